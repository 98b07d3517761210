/** A modal dialog on the native <dialog> element: focus is trapped and Escape closes it. */
import { useEffect, useRef, type ReactNode } from 'react';

/** Modal with a title; children supply the body and the buttons. */
export function Modal({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (typeof d.showModal === 'function' && !d.open) d.showModal();
    else d.setAttribute('open', '');
    const onCancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    d.addEventListener('cancel', onCancel);
    return () => d.removeEventListener('cancel', onCancel);
  }, [onClose]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby="modal-title" data-testid={testId}>
      <h2 id="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}

/**
 * The footer every dialog ends with: Cancel, then the action. Without onAction the action
 * submits the enclosing form; with it, it is a plain button.
 */
export function ModalActions(props: {
  actionLabel: ReactNode;
  onCancel: () => void;
  onAction?: () => void;
  busy?: boolean;
  danger?: boolean;
  cancelAutoFocus?: boolean;
  actionTestId?: string;
}) {
  return (
    <div className="modal-actions">
      <button type="button" className="btn" onClick={props.onCancel} autoFocus={props.cancelAutoFocus}>
        Cancel
      </button>
      <button
        type={props.onAction ? 'button' : 'submit'}
        className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
        onClick={props.onAction}
        disabled={props.busy}
        data-testid={props.actionTestId}
      >
        {props.actionLabel}
      </button>
    </div>
  );
}

/** Ask before something irreversible. */
export function ConfirmDialog(props: {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={props.title} onClose={props.onCancel} testId="confirm-dialog">
      <div className="modal-body">{props.body}</div>
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      <ModalActions actionLabel={props.confirmLabel} onCancel={props.onCancel} onAction={props.onConfirm} busy={props.busy} danger={props.danger} cancelAutoFocus />
    </Modal>
  );
}
