// The off-site pages: the survey's link copied with one press, said in the status beside it; and
// what a form just did, put into its live region once the page has loaded, so a screen reader
// announces it (text already there at load is not announced).
import { copyButtons } from "../keys.js";

const status = document.getElementById("copy-status");
if (status) copyButtons(status);

document.querySelectorAll("[data-announce]").forEach((region) => {
  const said = region.textContent.trim();
  if (!said) return;
  region.textContent = "";
  requestAnimationFrame(() => requestAnimationFrame(() => { region.textContent = said; }));
});
