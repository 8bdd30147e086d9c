// Start every GOV.UK Frontend component on the page (character counts, error summary focus, menus).
if (window.GOVUKFrontend && document.body.classList.contains('govuk-frontend-supported')) {
  window.GOVUKFrontend.initAll();
}
