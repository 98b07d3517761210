/** Bundle entry for bin/mediaguard.cjs. */
import { main } from './main';

main();
