"""Runs training/tests (npm run test:training) and ends with one line 'training tests: N passed, N failed, N skipped'."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == '__main__':
    suite = unittest.defaultTestLoader.discover(HERE, pattern='test_*.py', top_level_dir=HERE)
    res = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    skipped = len(res.skipped)
    print('training tests: %d passed, %d failed, %d skipped' % (res.testsRun - failed - skipped, failed, skipped))
    sys.exit(0 if failed == 0 and res.testsRun > 0 else 1)
