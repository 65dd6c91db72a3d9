// Material for MkDocs' bootstrap (its partials/javascripts/base.html, 9.x), served
// as a file so that the Content-Security-Policy needs no 'unsafe-inline'. The
// globals are the ones Material's bundle and its palette script expect; the
// scope, which Material writes into the inline script, comes from a data attribute.
__md_scope = new URL(document.currentScript.dataset.mdScope, location);
__md_hash = (value) => [...value].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0);
__md_get = (key, storage = localStorage, scope = __md_scope) =>
  JSON.parse(storage.getItem(scope.pathname + "." + key));
__md_set = (key, value, storage = localStorage, scope = __md_scope) => {
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (e) {
    // storage full or refused (private browsing): the preference is not kept
  }
};
