// The explorer: asks /graphql on this origin with the token pasted into the page, draws
// what it answers with cytoscape. Everything shown comes from the API as it is (masked
// for the roles it masks); nothing is kept but the token, in this tab's sessionStorage.
"use strict";

(function () {
  const TOKEN_KEY = "fupin.explorer.token";
  const PAGE = 10;
  const HISTORY_TYPES = new Set(["HOUSEHOLD", "OFFICIAL", "PERSON"]);

  const GRAPH = "nodes { ref type label properties { name value } } " +
    "edges { type from to properties { name value } }";
  const ENTITY = "query($key: String!) { entity(key: $key) { ref type label } }";
  const NEIGHBORHOOD = "query($ref: String!, $depth: Int!, $edgeTypes: [EdgeType!], " +
    "$expandRegions: Boolean!, $limit: Int!) { neighborhood(ref: $ref, depth: $depth, " +
    "edgeTypes: $edgeTypes, expandRegions: $expandRegions, limit: $limit) { truncated " +
    GRAPH + " } }";
  const PATHS = "query($from: String!, $to: String!, $maxHops: Int!, " +
    "$edgeTypes: [EdgeType!], $expandRegions: Boolean!) { paths(from: $from, to: $to, " +
    "maxHops: $maxHops, edgeTypes: $edgeTypes, expandRegions: $expandRegions) { " +
    GRAPH + " } }";
  const HISTORY = "query($ref: String!, $first: Int!, $after: String) { " +
    "history(ref: $ref, first: $first, after: $after) { totalCount " +
    "edges { node { at operation subject role changes { field before after } } } " +
    "pageInfo { hasNextPage endCursor } } }";
  // A household's audit findings (the file audit, issue 18): a list of at most 100.
  const FINDINGS = "query($code: String!, $first: Int!) { household(code: $code) { " +
    "findings(first: $first) { id rule severity status summary present lastSeenAt } } }";
  const FINDINGS_MAX = 100;

  const $ = (id) => document.getElementById(id);
  const nodes = new Map(); // ref -> the node as the API returned it
  const expanded = new Set(); // what was already asked: ref and controls
  let cy = null;
  let selected = null;
  let pathFrom = null;
  let pathTo = null;
  let findingsAbsent = false; // the API has no findings (yet): stop asking

  class ApiError extends Error {
    constructor(message, code, retryable) {
      super(message);
      this.code = code || "ERROR";
      this.retryable = Boolean(retryable);
    }
  }

  // --- talking to the API ---------------------------------------------------------

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  // A refusal the API calls retryable (a statement that took too long) is tried once
  // more before it is shown.
  async function gql(query, variables) {
    try {
      return await ask(query, variables);
    } catch (err) {
      if (!err.retryable) throw err;
      return ask(query, variables);
    }
  }

  async function ask(query, variables) {
    busy(+1);
    try {
      let response;
      try {
        response = await fetch("graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer " + token() },
          body: JSON.stringify({ query: query, variables: variables }),
          credentials: "omit",
          cache: "no-store",
        });
      } catch (err) {
        throw new ApiError("The API did not answer: " + err.message, "NETWORK");
      }
      let body;
      try {
        body = await response.json();
      } catch (err) {
        throw new ApiError("The API answered HTTP " + response.status, "HTTP_" + response.status);
      }
      if (body.errors && body.errors.length) {
        const first = body.errors[0];
        const ext = first.extensions || {};
        throw new ApiError(first.message, ext.code, ext.retryable === true);
      }
      return body.data;
    } finally {
      busy(-1);
    }
  }

  function busy(delta) {
    const pending = Number(document.body.dataset.pending || 0) + delta;
    document.body.dataset.pending = String(pending);
  }

  function showError(err) {
    const box = $("error");
    box.textContent = err instanceof ApiError
      ? err.message + " (" + err.code + ")"
      : "The page failed: " + err;
    box.dataset.code = err.code || "PAGE";
    box.hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }

  // Runs an action from a click; its failure is shown, never thrown away.
  function guarded(action) {
    return function (event) {
      if (event && event.preventDefault) event.preventDefault();
      clearError();
      Promise.resolve().then(() => action(event)).catch(showError);
    };
  }

  // --- the token ------------------------------------------------------------------

  function signedIn() {
    const has = Boolean(token());
    $("token-form").hidden = has;
    $("signed-in").hidden = !has;
    $("main").hidden = !has;
    if (has && !cy) startGraph();
  }

  function useToken() {
    const value = $("token-input").value.trim().replace(/^Bearer\s+/i, "");
    $("token-input").value = "";
    if (!value) throw new ApiError("Paste a token first.", "NO_TOKEN");
    sessionStorage.setItem(TOKEN_KEY, value);
    signedIn();
  }

  function forget() {
    sessionStorage.removeItem(TOKEN_KEY);
    clearDrawing();
    clearError();
    signedIn();
  }

  // --- the controls ---------------------------------------------------------------

  function edgeTypeBoxes() {
    const field = $("edge-types");
    for (const type of field.dataset.types.split(" ").filter(Boolean)) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = type;
      label.append(box, " " + type);
      field.append(label);
    }
  }

  function controls() {
    const boxes = [...$("edge-types").querySelectorAll("input")];
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    const limit = Math.min(200, Math.max(1, Number($("limit").value) || 50));
    return {
      depth: Number($("depth").value),
      // All of them is the API's default: say nothing.
      edgeTypes: chosen.length === boxes.length ? null : chosen,
      expandRegions: $("expand-regions").checked,
      limit: limit,
    };
  }

  // --- the drawing ----------------------------------------------------------------

  function startGraph() {
    cy = cytoscape({
      container: $("graph"),
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          label: "data(label)", "font-size": 10, "text-valign": "bottom",
          "text-margin-y": 3, width: 22, height: 22, "background-color": "#7a8793" } },
        { selector: "node.HOUSEHOLD", style: { "background-color": "#c0392b", shape: "round-rectangle" } },
        { selector: "node.PERSON", style: { "background-color": "#e67e22" } },
        { selector: "node.OFFICIAL", style: { "background-color": "#2471a3", shape: "diamond" } },
        { selector: "node.REGION", style: { "background-color": "#229954", shape: "hexagon" } },
        { selector: "node.VISIT", style: { "background-color": "#8e44ad", width: 14, height: 14 } },
        { selector: "node.pinned", style: { "border-width": 3, "border-color": "#111" } },
        { selector: "node:selected", style: { "overlay-color": "#f1c40f", "overlay-opacity": 0.35 } },
        { selector: "edge", style: {
          width: 1.5, "line-color": "#b3bcc4", "target-arrow-color": "#b3bcc4",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(type)",
          "font-size": 7, color: "#667" } },
        { selector: ".path", style: {
          "line-color": "#f39c12", "target-arrow-color": "#f39c12", width: 4,
          "border-width": 4, "border-color": "#f39c12" } },
      ],
    });
    cy.on("tap", "node", guarded((event) => open(event.target.id())));
    cy.on("dbltap", "node", (event) => pin(event.target.id()));
    // For the console and the browser tests: the drawing as cytoscape holds it.
    window.fupinExplorer = { cy: cy };
  }

  function clearDrawing() {
    if (cy) cy.elements().remove();
    nodes.clear();
    expanded.clear();
    selected = pathFrom = pathTo = null;
    $("panel").hidden = true;
    $("notice").hidden = true;
    showPathEnds();
    listDrawn();
  }

  function edgeId(edge) {
    const props = edge.properties.map((p) => p.name + "=" + p.value).join(";");
    return edge.type + "|" + edge.from + "|" + edge.to + "|" + props;
  }

  // Adds what is new of a graph to the drawing; returns the ids of all its elements.
  function merge(graph, near) {
    const ids = [];
    const added = [];
    const at = near && cy.getElementById(near).nonempty()
      ? cy.getElementById(near).position() : { x: 0, y: 0 };
    for (const node of graph.nodes) {
      ids.push(node.ref);
      nodes.set(node.ref, node);
      if (cy.getElementById(node.ref).empty()) {
        added.push({ group: "nodes", classes: node.type,
          data: { id: node.ref, label: node.label, type: node.type },
          position: { x: at.x + Math.random() * 40 - 20, y: at.y + Math.random() * 40 - 20 } });
      }
    }
    for (const edge of graph.edges) {
      const id = edgeId(edge);
      ids.push(id);
      if (cy.getElementById(id).empty()) {
        added.push({ group: "edges", data: { id: id, source: edge.from, target: edge.to, type: edge.type } });
      }
    }
    if (added.length) {
      cy.add(added);
      listDrawn();
      cy.resize(); // the list below may have grown
      cy.layout({ name: "cose", animate: false, randomize: false, fit: true, padding: 30,
        nodeDimensionsIncludeLabels: true }).run();
    }
    return ids;
  }

  function listDrawn() {
    const list = $("drawn");
    list.replaceChildren();
    const all = [...nodes.values()].filter((n) => cy && cy.getElementById(n.ref).nonempty());
    all.sort((a, b) => a.type.localeCompare(b.type) || a.label.localeCompare(b.label));
    for (const node of all) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.ref = node.ref;
      button.textContent = node.type.toLowerCase() + ": " + node.label;
      button.addEventListener("click", guarded(() => open(node.ref)));
      item.append(button);
      list.append(item);
    }
    $("drawn-count").textContent = String(all.length);
  }

  async function expand(ref) {
    const c = controls();
    const key = ref + " " + JSON.stringify(c);
    if (expanded.has(key)) return;
    const data = await gql(NEIGHBORHOOD, Object.assign({ ref: ref }, c));
    if (!data.neighborhood) throw new ApiError("Nothing is known of " + ref + ".", "NOT_FOUND");
    expanded.add(key);
    merge(data.neighborhood, ref);
    const notice = $("notice");
    if (data.neighborhood.truncated) {
      notice.textContent = "The API left nodes out around " + ref + " (a limit was " +
        "reached): raise the limit or choose fewer edge types.";
      notice.hidden = false;
    }
  }

  // A node clicked: show it in the panel and draw its neighbours.
  async function open(ref) {
    select(ref);
    await expand(ref);
  }

  function pin(ref) {
    const node = cy.getElementById(ref);
    if (node.locked()) node.unlock().removeClass("pinned");
    else node.lock().addClass("pinned");
    if (ref === selected) $("pin").textContent = node.locked() ? "Unpin" : "Pin";
  }

  async function search() {
    const key = $("search").value.trim();
    if (!key) return;
    const data = await gql(ENTITY, { key: key });
    if (!data.entity) throw new ApiError("Nothing found for " + key + ".", "NOT_FOUND");
    clearDrawing();
    nodes.set(data.entity.ref, Object.assign({ properties: [] }, data.entity));
    await expand(data.entity.ref);
    select(data.entity.ref);
  }

  // --- the side panel -------------------------------------------------------------

  function select(ref) {
    const node = nodes.get(ref);
    if (!node) return;
    selected = ref;
    cy.elements().unselect();
    cy.getElementById(ref).select();
    $("panel").hidden = false;
    $("panel-title").textContent = node.label;
    $("panel-ref").textContent = node.type + " · " + ref;
    $("pin").textContent = cy.getElementById(ref).locked() ? "Unpin" : "Pin";
    const body = $("properties").tBodies[0];
    body.replaceChildren();
    for (const prop of node.properties) {
      const row = body.insertRow();
      row.insertCell().textContent = prop.name;
      row.insertCell().textContent = prop.value;
    }
    showHistory(ref, true).catch(showError);
    showFindings(ref, true).catch(showError);
  }

  function section(id, visible) {
    const box = $(id);
    box.hidden = !visible;
    return { box: box, list: box.querySelector("ul, ol"), empty: box.querySelector(".empty"),
      more: box.querySelector(".more") };
  }

  let historyAfter = null;

  async function showHistory(ref, fresh) {
    const type = nodes.get(ref).type;
    const s = section("history", HISTORY_TYPES.has(type));
    if (fresh) {
      s.list.replaceChildren();
      s.empty.hidden = true;
      s.more.hidden = true;
      historyAfter = null;
    }
    if (!HISTORY_TYPES.has(type)) return;
    const data = await gql(HISTORY, { ref: ref, first: PAGE, after: historyAfter });
    if (ref !== selected) return;
    const page = data.history;
    for (const edge of page.edges) {
      const change = edge.node;
      const item = document.createElement("li");
      const head = document.createElement("div");
      head.className = "change";
      head.textContent = change.at.slice(0, 19).replace("T", " ") + " " + change.operation +
        " by " + (change.subject || "someone") + " (" + change.role + ")";
      const fields = document.createElement("ul");
      for (const field of change.changes) {
        const line = document.createElement("li");
        line.textContent = field.field + ": " + show(field.before) + " → " + show(field.after);
        fields.append(line);
      }
      item.append(head, fields);
      s.list.append(item);
    }
    s.empty.textContent = "No changes recorded.";
    s.empty.hidden = page.totalCount > 0;
    historyAfter = page.pageInfo.endCursor;
    s.more.hidden = !page.pageInfo.hasNextPage;
    s.more.onclick = guarded(() => showHistory(ref, false));
  }

  function show(value) {
    if (value === null || value === undefined) return "—";
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  let findingsFirst = PAGE;

  async function showFindings(ref, fresh) {
    const node = nodes.get(ref);
    const s = section("findings", node.type === "HOUSEHOLD");
    if (fresh) findingsFirst = PAGE;
    s.list.replaceChildren();
    s.more.hidden = true;
    s.empty.hidden = true;
    if (node.type !== "HOUSEHOLD") return;
    if (findingsAbsent) return say(s, "This API has no audit findings.");
    let data;
    try {
      data = await gql(FINDINGS, { code: ref.slice(ref.indexOf(":") + 1), first: findingsFirst });
    } catch (err) {
      if (err.code === "GRAPHQL_VALIDATION_FAILED") {
        findingsAbsent = true;
        return say(s, "This API has no audit findings.");
      }
      if (err.code === "FORBIDDEN") return say(s, "Your role may not read findings (FORBIDDEN).");
      throw err;
    }
    if (ref !== selected) return;
    const found = (data.household && data.household.findings) || [];
    for (const f of found) {
      const item = document.createElement("li");
      item.dataset.rule = f.rule;
      item.textContent = f.severity + " " + f.rule + " (" + f.status +
        (f.present ? "" : ", no longer found") + "): " + f.summary;
      s.list.append(item);
    }
    if (!found.length) say(s, "No findings.");
    s.more.hidden = found.length < findingsFirst || findingsFirst >= FINDINGS_MAX;
    s.more.onclick = guarded(() => {
      findingsFirst = Math.min(FINDINGS_MAX, findingsFirst + PAGE);
      return showFindings(ref, false);
    });
  }

  function say(s, text) {
    s.empty.textContent = text;
    s.empty.hidden = false;
  }

  // --- paths ----------------------------------------------------------------------

  function showPathEnds() {
    const name = (ref) => (ref && nodes.has(ref) ? nodes.get(ref).label : "(pick a node)");
    $("path-from").textContent = name(pathFrom);
    $("path-to").textContent = name(pathTo);
    $("find-paths").disabled = !(pathFrom && pathTo && pathFrom !== pathTo);
  }

  async function findPaths() {
    const c = controls();
    const maxHops = Math.min(6, Math.max(1, Number($("max-hops").value) || 4));
    const data = await gql(PATHS, { from: pathFrom, to: pathTo, maxHops: maxHops,
      edgeTypes: c.edgeTypes, expandRegions: c.expandRegions });
    cy.elements().removeClass("path");
    const notice = $("notice");
    if (!data.paths.length) {
      notice.textContent = "No path of at most " + maxHops + " steps.";
      notice.hidden = false;
      return;
    }
    notice.hidden = true;
    for (const graph of data.paths) {
      for (const id of merge(graph, pathFrom)) cy.getElementById(id).addClass("path");
    }
  }

  function clearPaths() {
    pathFrom = pathTo = null;
    if (cy) cy.elements().removeClass("path");
    showPathEnds();
  }

  // --- wiring ---------------------------------------------------------------------

  $("token-form").addEventListener("submit", guarded(useToken));
  $("forget").addEventListener("click", forget);
  $("search-form").addEventListener("submit", guarded(search));
  $("find-paths").addEventListener("click", guarded(findPaths));
  $("clear-paths").addEventListener("click", clearPaths);
  $("path-from-here").addEventListener("click", () => { pathFrom = selected; showPathEnds(); });
  $("path-to-here").addEventListener("click", () => { pathTo = selected; showPathEnds(); });
  $("pin").addEventListener("click", () => selected && pin(selected));
  edgeTypeBoxes();
  signedIn();
})();
