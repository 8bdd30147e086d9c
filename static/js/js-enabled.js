// Runs before the page paints so GOV.UK Frontend's JavaScript-only styles apply without a flash.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
