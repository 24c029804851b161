// The intake page: files, folders or zips dropped or chosen are sent in one upload to
// /api/v1/uploads, with the browser's upload progress; the answer is shown as text, never markup.
"use strict";

(function () {
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var zone = document.getElementById("drop-zone");
  var progress = document.getElementById("upload-progress");
  var statusLine = document.getElementById("upload-status");
  var errorLine = document.getElementById("upload-error");
  var answer = document.getElementById("upload-answer");

  function say(text) { statusLine.textContent = text; }

  function fail(text) {
    errorLine.textContent = text;
    errorLine.hidden = false;
  }

  function fileEntry(entry) {
    return new Promise(function (resolve, reject) {
      entry.file(function (file) { resolve([{ file: file, name: entry.fullPath.replace(/^\//, "") }]); }, reject);
    });
  }

  function allEntries(reader) {
    // A folder's reader hands its entries over in batches until an empty one.
    return new Promise(function (resolve, reject) {
      var found = [];
      function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) { resolve(found); return; }
          found = found.concat(Array.prototype.slice.call(batch));
          more();
        }, reject);
      }
      more();
    });
  }

  function filesOf(entry) {
    if (entry.isFile) { return fileEntry(entry); }
    return allEntries(entry.createReader()).then(function (entries) {
      return Promise.all(entries.map(filesOf)).then(function (lists) {
        return [].concat.apply([], lists);
      });
    });
  }

  function droppedFiles(transfer) {
    var items = Array.prototype.slice.call(transfer.items || []);
    var entries = items.map(function (item) { return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null; });
    if (entries.length && entries.every(Boolean)) {
      return Promise.all(entries.map(filesOf)).then(function (lists) { return [].concat.apply([], lists); });
    }
    return Promise.resolve(chosenFiles(transfer.files));
  }

  function chosenFiles(fileList) {
    return Array.prototype.slice.call(fileList).map(function (file) {
      return { file: file, name: file.webkitRelativePath || file.name };
    });
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  // An outside study's patient id means something only with who issued it.
  function patientIdOf(study) {
    if (!study.patient_id) { return "—"; }
    return study.patient_issuer ? study.patient_id + " (" + study.patient_issuer + ")" : study.patient_id;
  }

  function listLetGo(list, items) {
    list.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.name + ": " + item.reason;
      list.appendChild(li);
    });
    if (!items.length) {
      var none = document.createElement("li");
      none.textContent = "none";
      list.appendChild(none);
    }
  }

  function show(result) {
    document.getElementById("stored-count").textContent =
      result.stored + " instance" + (result.stored === 1 ? "" : "s") + " stored.";
    var body = document.getElementById("stored-series");
    body.replaceChildren();
    result.studies.forEach(function (study) {
      study.series.forEach(function (series) {
        var row = document.createElement("tr");
        cell(row, study.patient_display_name);
        cell(row, patientIdOf(study));
        cell(row, study.study_date || "—", "date");
        cell(row, study.modalities.join(", ") || "—");
        cell(row, study.study_description || "—");
        cell(row, study.study_instance_uid, "uid");
        cell(row, series.series_instance_uid, "uid");
        cell(row, String(series.instances));
        body.appendChild(row);
      });
    });
    listLetGo(document.getElementById("refused-files"), result.refused);
    listLetGo(document.getElementById("skipped-files"), result.skipped);
    answer.hidden = false;
  }

  function problemText(request) {
    try {
      var problem = JSON.parse(request.responseText);
      return problem.detail || problem.title || request.statusText;
    } catch (error) {
      return request.statusText || "the upload failed";
    }
  }

  function upload(files) {
    if (!files.length) { return; }
    var form = new FormData();
    files.forEach(function (entry) { form.append("file", entry.file, entry.name); });
    var request = new XMLHttpRequest();
    errorLine.hidden = true;
    answer.hidden = true;
    progress.value = 0;
    say("Sending " + files.length + " file" + (files.length === 1 ? "" : "s") + "…");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
        progress.textContent = progress.value + "%";
      }
    });
    request.upload.addEventListener("load", function () { say("Sent; storing the instances…"); });
    request.addEventListener("load", function () {
      if (request.status === 200) {
        progress.value = 100;
        say("Done.");
        show(JSON.parse(request.responseText));
      } else {
        say("Nothing stored.");
        fail("The upload was refused (" + request.status + "): " + problemText(request));
      }
    });
    request.addEventListener("error", function () {
      say("Nothing stored.");
      fail("The upload did not reach the server: check the connection and send again.");
    });
    request.open("POST", "/api/v1/uploads");
    request.setRequestHeader("X-CSRF-Token", csrf);
    request.setRequestHeader("Accept", "application/json");
    request.send(form);
  }

  ["intake-files", "intake-folder"].forEach(function (id) {
    var input = document.getElementById(id);
    input.addEventListener("change", function () {
      upload(chosenFiles(input.files));
      input.value = "";
    });
  });
  zone.addEventListener("dragover", function (event) {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("dragging");
    droppedFiles(event.dataTransfer).then(upload, function () {
      fail("The dropped folder could not be read: choose it with the button instead.");
    });
  });
})();
