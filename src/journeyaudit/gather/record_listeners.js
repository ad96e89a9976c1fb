// journeyaudit record: the user's clicks and typing, each with the best selector for its element
// (role and accessible name, then label, then CSS), sent to Python (gather/record_session.py).
(() => {
  if (window.top !== window || window.__journeyauditRecorder) return;
  window.__journeyauditRecorder = true;
  const send = (event) => {
    try { window.__journeyauditRecord({ ...event, url: location.href }); } catch (e) { /* not ready */ }
  };
  const norm = (text) => (text || "").replace(/\s+/g, " ").trim();
  const TEXT_TYPES = ["text", "email", "tel", "url", "search", "number", "password", "date", "", "month", "week", "time"];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);

  function roleOf(el) {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
    if (explicit) return explicit;
    const tag = el.tagName;
    if (tag === "A") return el.hasAttribute("href") ? "link" : "";
    if (tag === "BUTTON" || tag === "SUMMARY") return "button";
    if (tag === "SELECT") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "TEXTAREA") return "textbox";
    if (tag !== "INPUT") return "";
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (["button", "submit", "reset", "image"].includes(type)) return "button";
    if (type === "checkbox" || type === "radio") return type;
    if (type === "number") return "spinbutton";
    if (type === "search") return "searchbox";
    if (["text", "email", "tel", "url"].includes(type)) return "textbox";
    return "";  // password and the like have no role: label or CSS
  }
  function labelOf(el) {
    if (el.labels && el.labels.length) return norm(Array.from(el.labels).map((l) => l.innerText || l.textContent).join(" "));
    return "";
  }
  function nameOf(el) {
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const text = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
        .map((n) => n.innerText || n.textContent).join(" ");
      if (norm(text)) return norm(text);
    }
    if (norm(el.getAttribute("aria-label"))) return norm(el.getAttribute("aria-label"));
    const label = labelOf(el);
    if (label) return label;
    if (el.tagName === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return norm(el.value);
    if (["link", "button", "checkbox", "radio", "tab", "menuitem", "option"].includes(roleOf(el)))
      return norm(el.innerText || el.textContent) || norm(el.getAttribute("title"));
    return norm(el.getAttribute("title") || el.getAttribute("placeholder"));
  }
  const quote = (text) => JSON.stringify(text);
  function firstOf(matches, el) {  // journeys act on the first match: ours must be it
    const shown = matches.filter(visible);
    return shown.length > 0 && shown[0] === el;
  }
  const CANDIDATES = "a,button,input,select,textarea,summary,[role],label";
  function cssOf(el) {
    if (el.id && document.querySelectorAll("#" + CSS.escape(el.id)).length === 1) return "#" + CSS.escape(el.id);
    const name = el.getAttribute("name");
    if (name) {
      const byName = el.tagName.toLowerCase() + "[name=" + quote(name) + "]";
      if (document.querySelectorAll(byName).length === 1) return byName;
    }
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && node !== document.body; node = node.parentElement) {
      if (node.id && node !== el) { parts.unshift("#" + CSS.escape(node.id)); break; }
      let part = node.tagName.toLowerCase();
      const same = node.parentElement ? Array.from(node.parentElement.children).filter((c) => c.tagName === node.tagName) : [];
      if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(node) + 1) + ")";
      parts.unshift(part);
    }
    return parts.join(" > ");
  }
  function selectorOf(el) {
    const role = roleOf(el), name = nameOf(el);
    if (role && name) {
      const same = Array.from(document.querySelectorAll(CANDIDATES)).filter((c) => roleOf(c) === role && nameOf(c) === name);
      if (firstOf(same, el)) return "role=" + role + "[name=" + quote(name) + "s]";
    }
    const label = labelOf(el);
    if (label) {
      const same = Array.from(document.querySelectorAll("input,select,textarea")).filter((c) => labelOf(c) === label);
      if (firstOf(same, el)) return "internal:label=" + quote(label) + "s";
    }
    return cssOf(el);
  }
  function fieldOf(el) {
    return {
      type: (el.getAttribute("type") || el.tagName).toLowerCase(), name: el.getAttribute("name") || "", id: el.id || "",
      autocomplete: el.getAttribute("autocomplete") || "", label: labelOf(el), placeholder: el.getAttribute("placeholder") || "",
    };
  }
  const isTextField = (el) => el.tagName === "TEXTAREA" ||
    (el.tagName === "INPUT" && TEXT_TYPES.includes((el.getAttribute("type") || "text").toLowerCase()));
  let lastClick = 0;

  document.addEventListener("click", (ev) => {
    if (!ev.isTrusted) return;
    let el = ev.target instanceof Element ? ev.target : null;
    if (!el) return;
    const control = el.closest("label") ? (el.closest("label").control || null) : null;
    if (control && (control.type === "checkbox" || control.type === "radio")) return;  // its change is recorded
    el = el.closest("a[href],button,input,select,textarea,summary,[role=button],[role=link],[role=tab],[role=menuitem],[role=option],[role=checkbox],[role=radio]") || el;
    if (isTextField(el) || el.tagName === "SELECT" || el.tagName === "OPTION") return;  // filled or chosen, not clicked
    if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio")) return;  // change
    lastClick = Date.now();
    send({ type: "click", selector: selectorOf(el) });
  }, true);
  document.addEventListener("input", (ev) => {
    const el = ev.target;
    if (!ev.isTrusted || !(el instanceof Element) || !isTextField(el)) return;
    send({ type: "fill", selector: selectorOf(el), value: el.value, field: fieldOf(el) });
  }, true);
  document.addEventListener("change", (ev) => {
    const el = ev.target;
    if (!ev.isTrusted || !(el instanceof Element)) return;
    if (el.tagName === "SELECT") send({ type: "select", selector: selectorOf(el), value: el.value });
    else if (el.type === "checkbox") send({ type: el.checked ? "check" : "uncheck", selector: selectorOf(el) });
    else if (el.type === "radio" && el.checked) send({ type: "check", selector: selectorOf(el) });
  }, true);
  document.addEventListener("submit", (ev) => {
    if (Date.now() - lastClick < 1000) return;  // the click on its button is recorded
    const el = document.activeElement;
    if (el && el !== document.body && ev.target.contains(el)) send({ type: "press", key: "Enter", selector: selectorOf(el) });
  }, true);

  const shown = () => send({ type: "page", title: document.title, heading: norm((document.querySelector("h1") || {}).innerText) });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", shown, { once: true });
  else shown();
  for (const method of ["pushState", "replaceState"]) {
    const original = history[method];
    history[method] = function (...args) {
      const before = location.href;
      const out = original.apply(this, args);
      if (method === "pushState" && location.href !== before) setTimeout(shown, 300);
      return out;
    };
  }
  window.addEventListener("popstate", () => setTimeout(shown, 300));
})();
