// Loaded before Decap's bundle: Decap starts when dvk-cms.js has registered the site's
// file formats and named the repository (CMS.init), not on its own.
window.CMS_MANUAL_INIT = true;
