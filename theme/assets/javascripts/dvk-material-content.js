// Material for MkDocs' content-tab scripts (its partials/javascripts/content.html,
// 9.x), served as a file (see dvk-material-base.js); loaded only with pymdownx.tabbed.
(() => {
  // content.tabs.link: reopen the tabs the reader chose on an earlier page.
  const tabs = document.currentScript.hasAttribute("data-md-tabs-link") && __md_get("__tabs");
  if (Array.isArray(tabs)) {
    sets: for (const set of document.querySelectorAll(".tabbed-set")) {
      const labels = set.querySelector(".tabbed-labels");
      for (const tab of tabs) {
        for (const label of labels.getElementsByTagName("label")) {
          if (label.innerText.trim() === tab) {
            document.getElementById(label.htmlFor).checked = true;
            continue sets;
          }
        }
      }
    }
  }
  // A link to a tab (#__tabbed_1_2) opens that tab.
  const target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
})();
