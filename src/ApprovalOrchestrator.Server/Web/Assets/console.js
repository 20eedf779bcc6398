// Approval Orchestrator console: live countdowns, inbox polling, self-refreshing in-flight requests, editor gutter.
// Small on purpose; the pages work without it (server-rendered times, manual reload).
"use strict";

(function () {
    function format(seconds) {
        if (seconds <= 0) return "due now";
        var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
        if (d > 0) return d + "d " + h + "h";
        if (h > 0) return h + "h " + String(m).padStart(2, "0") + "m";
        if (m > 0) return m + "m " + String(s).padStart(2, "0") + "s";
        return s + "s";
    }

    function tick() {
        document.querySelectorAll("time.countdown[data-due]").forEach(function (el) {
            var left = (Date.parse(el.dataset.due) - Date.now()) / 1000;
            el.textContent = format(left);
            el.classList.toggle("urgency-urgent", left < 900);
            el.classList.toggle("urgency-soon", left >= 900 && left < 3600);
        });
    }

    // The inbox asks every few seconds which tasks it would show; when that changes, it swaps in the fresh list.
    function pollInbox(list) {
        var url = list.dataset.poll;
        setInterval(function () {
            fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
                .then(function (r) { return r.ok ? r.json() : null; })
                .then(function (data) {
                    if (!data) return;
                    var ids = data.ids.join(",");
                    if (ids === list.dataset.ids) return;
                    return fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
                        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("task-list");
                        if (fresh) { list.innerHTML = fresh.innerHTML; list.dataset.ids = fresh.dataset.ids; tick(); }
                    });
                })
                .catch(function () { /* offline for a moment: try again on the next round */ });
        }, 3000);
    }

    // The operations dashboard swaps in freshly rendered charts (an HTML fragment of SVG from the server) every few seconds.
    function pollOperations(box) {
        setInterval(function () {
            fetch(box.dataset.opsPoll, { credentials: "same-origin" })
                // Signed out meanwhile: the answer is the sign-in page after a redirect; keep the last charts rather than show it.
                .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
                .then(function (html) {
                    if (html === null) return;
                    box.innerHTML = html;
                    box.dataset.refreshed = String(Number(box.dataset.refreshed || 0) + 1);
                })
                .catch(function () { /* offline for a moment: try again on the next round */ });
        }, Number(box.dataset.opsEvery || 5) * 1000);
    }

    // Line numbers beside the definition editor, kept in step with its content and scroll position.
    function gutter(editor) {
        var area = editor.querySelector("textarea"), numbers = editor.querySelector(".gutter");
        var bad = (editor.dataset.badLines || "").split(",").filter(Boolean).map(Number);
        function render() {
            var n = area.value.split("\n").length, out = [];
            for (var i = 1; i <= n; i++) out.push(bad.indexOf(i) >= 0 ? '<span class="bad">' + i + "</span>" : String(i));
            numbers.innerHTML = out.join("\n");
        }
        area.addEventListener("input", render);
        area.addEventListener("scroll", function () { numbers.scrollTop = area.scrollTop; });
        render();
    }

    // Jump from a listed problem to its line in the editor.
    function jumpToLine(link) {
        link.addEventListener("click", function (e) {
            var area = document.getElementById(link.dataset.editor), line = Number(link.dataset.line);
            if (!area) return;
            e.preventDefault();
            var lines = area.value.split("\n"), start = 0;
            for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
            area.focus();
            area.setSelectionRange(start, start + (lines[line - 1] || "").length);
            var lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
            area.scrollTop = Math.max(0, (line - 4) * lineHeight);
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        if (document.querySelector("time.countdown[data-due]")) { tick(); setInterval(tick, 1000); }
        var list = document.getElementById("task-list");
        if (list && list.dataset.poll) pollInbox(list);
        var ops = document.getElementById("ops-charts");
        if (ops && ops.dataset.opsPoll) pollOperations(ops);
        var refresh = document.querySelector("[data-refresh]");
        if (refresh) setTimeout(function () { location.reload(); }, Number(refresh.dataset.refresh) * 1000);
        document.querySelectorAll(".editor").forEach(gutter);
        document.querySelectorAll("a[data-line]").forEach(jumpToLine);
    });
})();
