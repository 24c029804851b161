// Starts Swagger UI on the API's own schema (a file, not inline: the pages allow no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("api-docs");
  window.ui = SwaggerUIBundle({ url: target.dataset.openapiUrl, domNode: target });
});
