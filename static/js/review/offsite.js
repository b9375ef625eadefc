// The off-site pages: the survey's link copied with one press, said in the status beside it.
import { copyButtons } from "../keys.js";

const status = document.getElementById("copy-status");
if (status) copyButtons(status);
