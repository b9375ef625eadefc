// Choosing someone from the region's pool in the invitation form fills their role too, when the
// pool's role points to one of the review's (a QA reviewer, a data specialist); the lead may change it.
const name = document.getElementById("invite-name");
const role = document.getElementById("invite-role");
const offered = document.getElementById("pool-offered");

if (name && role && offered) {
  name.addEventListener("input", () => {
    const chosen = [...offered.options].find((o) => o.value === name.value);
    const tag = chosen && chosen.dataset.role;
    if (tag && [...role.options].some((o) => o.value === tag)) role.value = tag;
  });
}
