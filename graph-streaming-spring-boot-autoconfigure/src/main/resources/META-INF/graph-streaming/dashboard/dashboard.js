// graph-streaming dashboard: a plain ES module with no dependencies and no build step.
//
// It reads the graphs from GET {api}, draws each as an SVG diagram, starts executions
// with GET {api}/{graph}/execute/stream?input=... through an EventSource and follows
// them live. EventSource reconnects by itself after a cut, sending the last SSE id as
// Last-Event-ID to the same URL, which the server answers by resuming that execution;
// every event is shown once (deduplicated by sequence) and the source is closed after
// the terminal event so that it does not reconnect. Active executions come from
// GET {api}/executions?status=running and are cancelled with DELETE.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Every event type the server names; EventSource needs one listener per SSE event name. */
const EVENT_TYPES = [
  'ExecutionStarted', 'NodeEntered', 'NodeStarted', 'NodeOutputChunk', 'NodeCompleted', 'NodeFailed',
  'NodeExited', 'ConditionEvaluated', 'RetryAttempted', 'StateMergeConflictDetected',
  'CircuitBreakerStateChanged', 'ResourceBudgetExhausted', 'CheckpointCreated', 'CheckpointRestored',
  'ExecutionCompleted', 'ExecutionFailed', 'ExecutionCancelled',
];

const TERMINAL_TYPES = new Set(['ExecutionCompleted', 'ExecutionFailed', 'ExecutionCancelled']);

const ENVELOPE_FIELDS = new Set(['eventType', 'executionId', 'graphId', 'sequence', 'timestamp', 'nodeId']);

/** Rows kept in the event log (all events stay in memory; the oldest rows leave the page). */
const MAX_LOG_ROWS = 5000;

/** Node runs drawn in the timeline (the latest ones). */
const MAX_TIMELINE_ROWS = 200;

/** The server's request line limit is 4096 bytes by default; the input travels in the URL. */
const MAX_URL_LENGTH = 3800;

const ACTIVE_REFRESH_MS = 2000;

/** The most nodes on one line of the diagram; wider layers wrap. */
const MAX_LINE_NODES = 8;

/** A node with more outgoing edges than this labels them next to their targets. */
const MAX_MIDDLE_LABELS = 3;

/** Own resume attempts (on the execution's stream URL) once EventSource has given up. */
const MAX_RESUME_ATTEMPTS = 5;

const CONNECTION_TEXT = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  closed: 'closed',
  failed: 'closed after an error',
};

const root = document.documentElement;
const config = {
  apiBase: (root.dataset.apiBase ?? '/graphs').replace(/\/+$/, ''),
  sseEnabled: root.dataset.sseEnabled !== 'false',
};

const api = {
  graphs: () => config.apiBase || '/',
  stream: (graphId, input) =>
    `${config.apiBase}/${encodeURIComponent(graphId)}/execute/stream?input=${encodeURIComponent(input)}`,
  resume: (graphId, executionId, after) =>
    `${config.apiBase}/${encodeURIComponent(graphId)}/executions/${encodeURIComponent(executionId)}/stream`
    + `?lastEventId=${encodeURIComponent(`${executionId}:${after}`)}`,
  execution: (graphId, executionId) =>
    `${config.apiBase}/${encodeURIComponent(graphId)}/executions/${encodeURIComponent(executionId)}`,
  running: () => `${config.apiBase}/executions?status=running`,
};

const byId = (id) => document.getElementById(id);

const ui = {
  connection: byId('connection'),
  connectionText: byId('connection-text'),
  graphsStatus: byId('graphs-status'),
  graphList: byId('graph-list'),
  sseDisabled: byId('sse-disabled'),
  form: byId('run-form'),
  runGraphName: byId('run-graph-name'),
  input: byId('run-input'),
  inputError: byId('run-input-error'),
  startButton: byId('start-button'),
  cancelButton: byId('cancel-button'),
  summary: byId('run-summary'),
  runStatus: byId('run-status'),
  runExecutionId: byId('run-execution-id'),
  runEvents: byId('run-events'),
  runDuration: byId('run-duration'),
  runError: byId('run-error'),
  activeTitle: byId('active-title'),
  activeStatus: byId('active-status'),
  activeList: byId('active-list'),
  activeError: byId('active-error'),
  graphDescription: byId('graph-description'),
  diagram: byId('diagram'),
  timelineStatus: byId('timeline-status'),
  timeline: byId('timeline'),
  outputStatus: byId('output-status'),
  partialOutput: byId('partial-output'),
  finalOutput: byId('final-output'),
  finalOutputText: byId('final-output-text'),
  filterType: byId('filter-type'),
  filterNode: byId('filter-node'),
  logCount: byId('log-count'),
  logScroll: byId('log-scroll'),
  logBody: byId('event-log-body'),
};

const state = {
  graphs: [],
  selected: null,
  inputs: new Map(),
  diagram: null,
  run: null,
  active: { timer: 0, loading: false, again: false },
};

// ---------------------------------------------------------------------------------
// Small helpers

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, String(value));
    }
  }
  node.append(...children);
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, String(value));
    }
  }
  node.append(...children);
  return node;
}

function formatMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    return '–';
  }
  if (ms < 1) {
    return `${ms.toFixed(2)} ms`;
  }
  if (ms < 100) {
    return `${ms.toFixed(1)} ms`;
  }
  if (ms < 10000) {
    return `${Math.round(ms)} ms`;
  }
  return `${(ms / 1000).toFixed(1)} s`;
}

function shortJson(value, max = 160) {
  let text;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Event timestamps have nanoseconds; Date.parse takes milliseconds. */
function timeOf(event) {
  const parsed = Date.parse(String(event.timestamp ?? '').replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(parsed) ? parsed : null;
}

async function problemText(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function showMessage(target, text) {
  target.textContent = text;
  target.hidden = !text;
}

// ---------------------------------------------------------------------------------
// Graphs and the diagram

async function loadGraphs() {
  let graphs;
  try {
    const response = await fetch(api.graphs(), { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(await problemText(response));
    }
    graphs = await response.json();
  } catch (error) {
    ui.graphsStatus.textContent = `Could not load the graphs: ${error.message}`;
    ui.graphsStatus.className = 'error';
    return;
  }
  state.graphs = Array.isArray(graphs) ? graphs : [];
  ui.graphsStatus.hidden = state.graphs.length > 0;
  ui.graphsStatus.textContent = 'No graphs are registered.';
  ui.graphList.replaceChildren(...state.graphs.map((graph) => {
    const button = element('button', {
      type: 'button', class: 'graph-button', 'data-graph-id': graph.id, 'aria-pressed': 'false',
    },
    element('span', { class: 'graph-name' }, graph.id),
    element('span', { class: 'graph-meta' }, graph.description || ''),
    element('span', { class: 'graph-meta' },
      `${graph.nodes.length} node${graph.nodes.length === 1 ? '' : 's'} · `
      + `${graph.edges.length} edge${graph.edges.length === 1 ? '' : 's'}`));
    button.addEventListener('click', () => selectGraph(graph.id));
    return element('li', {}, button);
  }));
  if (state.graphs.length > 0) {
    selectGraph(state.graphs[0].id);
  }
}

function graphById(graphId) {
  return state.graphs.find((graph) => graph.id === graphId) ?? null;
}

function selectGraph(graphId) {
  const graph = graphById(graphId);
  if (!graph) {
    return;
  }
  if (state.selected) {
    state.inputs.set(state.selected, ui.input.value);
  }
  state.selected = graphId;
  for (const button of ui.graphList.querySelectorAll('.graph-button')) {
    button.setAttribute('aria-pressed', String(button.dataset.graphId === graphId));
  }
  ui.runGraphName.textContent = graphId;
  ui.input.value = state.inputs.get(graphId) ?? '{}';
  setInputError('');
  ui.graphDescription.textContent = graph.description || '';
  drawDiagram(graph);
  if (state.run && state.run.graphId === graphId) {
    paintRunOnDiagram(state.run);
  }
}

/**
 * A layered layout: back edges (those closing a cycle, found by a depth-first walk from
 * the start node) are set aside, every node goes one layer below its deepest
 * predecessor, and nodes in a layer are ordered by where their predecessors are, so that
 * parallel branches sit side by side.
 */
function layoutGraph(graph) {
  const ids = graph.nodes.map((node) => node.id);
  const known = new Set(ids);
  const edges = graph.edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  const outgoing = new Map(ids.map((id) => [id, []]));
  edges.forEach((edge) => outgoing.get(edge.from).push(edge));

  const back = new Set();
  const mark = new Map();
  const postorder = [];
  const roots = known.has(graph.startNode) ? [graph.startNode, ...ids] : ids;
  for (const start of roots) {
    if (mark.has(start)) {
      continue;
    }
    mark.set(start, 1);
    const stack = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = outgoing.get(top[0]);
      if (top[1] < out.length) {
        const edge = out[top[1]++];
        if (edge.from === edge.to) {
          continue;
        }
        const seen = mark.get(edge.to);
        if (seen === 1) {
          back.add(edge);
        } else if (!seen) {
          mark.set(edge.to, 1);
          stack.push([edge.to, 0]);
        }
      } else {
        mark.set(top[0], 2);
        postorder.push(top[0]);
        stack.pop();
      }
    }
  }
  const forward = edges.filter((edge) => edge.from !== edge.to && !back.has(edge));
  const layer = new Map(ids.map((id) => [id, 0]));
  for (const id of postorder.slice().reverse()) {
    for (const edge of outgoing.get(id)) {
      if (edge.from !== edge.to && !back.has(edge)) {
        layer.set(edge.to, Math.max(layer.get(edge.to), layer.get(id) + 1));
      }
    }
  }

  const rows = [];
  ids.forEach((id) => {
    const row = layer.get(id);
    (rows[row] ??= []).push(id);
  });
  const order = new Map();
  rows.forEach((row, index) => {
    if (index > 0) {
      const weight = (id) => {
        const parents = forward.filter((edge) => edge.to === id && order.has(edge.from));
        return parents.length === 0 ? Number.MAX_SAFE_INTEGER
          : parents.reduce((sum, edge) => sum + order.get(edge.from), 0) / parents.length;
      };
      const weights = new Map(row.map((id) => [id, weight(id)]));
      row.sort((a, b) => weights.get(a) - weights.get(b));
    }
    row.forEach((id, position) => order.set(id, (position + 0.5) / row.length));
  });

  const selfLoops = edges.filter((edge) => edge.from === edge.to);
  const labelWidth = (text) => (text ? text.length * 6.2 + 8 : 0);
  const loopSpace = new Map(ids.map((id) => [id, 0]));
  selfLoops.forEach((edge) => loopSpace.set(edge.from, Math.max(loopSpace.get(edge.from),
    54 + labelWidth(edge.condition))));

  const NODE_HEIGHT = 48;
  const GAP_X = 36;
  const GAP_Y = 66;
  const MARGIN = 20;
  const TOP = 36;
  const width = (id) => Math.min(210, Math.max(118, id.length * 7.8 + 30));
  // A wide layer (a fan-out to many branches) wraps onto several lines of at most
  // MAX_LINE_NODES, every other line shifted by half a slot so that edges to the lines
  // below pass between the nodes.
  const lines = [];
  const shifted = [];
  rows.forEach((row) => {
    const count = Math.ceil(row.length / MAX_LINE_NODES);
    const size = Math.ceil(row.length / count);
    for (let start = 0; start < row.length; start += size) {
      shifted.push(count > 1 && (start / size) % 2 === 1);
      lines.push(row.slice(start, start + size));
    }
  });
  const slot = (id) => width(id) + loopSpace.get(id) + GAP_X;
  const lineWidths = lines.map((line, index) => line.reduce((sum, id) => sum + slot(id), 0) - GAP_X
    + (shifted[index] ? slot(line[0]) / 2 : 0));
  const contentWidth = Math.max(...lineWidths, 120);
  const boxes = new Map();
  lines.forEach((line, index) => {
    let x = MARGIN + (contentWidth - lineWidths[index]) / 2 + (shifted[index] ? slot(line[0]) / 2 : 0);
    line.forEach((id) => {
      boxes.set(id, { x, y: TOP + index * (NODE_HEIGHT + GAP_Y), w: width(id), h: NODE_HEIGHT });
      x += slot(id);
    });
  });
  const backEdges = edges.filter((edge) => back.has(edge));
  const laneStart = MARGIN + contentWidth + 24;
  const backLabels = Math.max(0, ...backEdges.map((edge) => labelWidth(edge.condition)));
  const totalWidth = laneStart + (backEdges.length > 0 ? backEdges.length * 16 + backLabels : 0) + MARGIN;
  const totalHeight = TOP + lines.length * (NODE_HEIGHT + GAP_Y) - GAP_Y + MARGIN;
  const selfLooped = new Set(selfLoops.map((edge) => edge.from));
  return {
    boxes, edges, back, forward, selfLooped, laneStart, gapY: GAP_Y, width: totalWidth, height: totalHeight,
  };
}

function bezierMiddle(p0, p1, p2, p3) {
  return { x: (p0.x + 3 * p1.x + 3 * p2.x + p3.x) / 8, y: (p0.y + 3 * p1.y + 3 * p2.y + p3.y) / 8 };
}

function drawDiagram(graph) {
  const model = layoutGraph(graph);
  const titleId = `diagram-title-${graph.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const describeEdge = (edge) => `${edge.from} to ${edge.to}${edge.condition ? ` if ${edge.condition}` : ''}`;
  const label = `Diagram of graph ${graph.id}: ${graph.nodes.length} nodes, starting at ${graph.startNode}. `
    + `Edges: ${graph.edges.map(describeEdge).join('; ') || 'none'}.`;
  const arrow = (id, cls) => svg('marker', {
    id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9,
    markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse',
  }, svg('path', { d: 'M0 0 L10 5 L0 10 z', class: cls }));
  // A group of named node images (each says its state); the edges are in the group's name.
  const root = svg('svg', {
    viewBox: `0 0 ${Math.ceil(model.width)} ${Math.ceil(model.height)}`, role: 'group',
    width: Math.ceil(model.width), height: Math.ceil(model.height),
    'aria-labelledby': titleId, preserveAspectRatio: 'xMidYMin meet', 'data-graph-id': graph.id,
  }, svg('title', { id: titleId }, label),
  svg('defs', {}, arrow('gs-arrow', 'arrow'), arrow('gs-arrow-taken', 'arrow-taken')));

  const edgeLayer = svg('g', { class: 'edges', 'aria-hidden': 'true' });
  const labelLayer = svg('g', { class: 'edge-labels', 'aria-hidden': 'true' });
  const edgeElements = new Map();
  const spread = (count, index, start, size) => start + (size * (index + 1)) / (count + 1);
  const outOrder = new Map();
  const inOrder = new Map();
  for (const edge of model.forward) {
    (outOrder.get(edge.from) ?? outOrder.set(edge.from, []).get(edge.from)).push(edge);
    (inOrder.get(edge.to) ?? inOrder.set(edge.to, []).get(edge.to)).push(edge);
  }
  outOrder.forEach((list) => list.sort((a, b) => model.boxes.get(a.to).x - model.boxes.get(b.to).x));
  inOrder.forEach((list) => list.sort((a, b) => model.boxes.get(a.from).x - model.boxes.get(b.from).x));
  let lane = 0;
  for (const edge of model.edges) {
    const from = model.boxes.get(edge.from);
    const to = model.boxes.get(edge.to);
    let d;
    let middle;
    let anchor = 'middle';
    if (edge.from === edge.to) {
      const p0 = { x: from.x + from.w, y: from.y + from.h * 0.3 };
      const p1 = { x: from.x + from.w + 46, y: from.y - 16 };
      const p2 = { x: from.x + from.w + 46, y: from.y + from.h + 16 };
      const p3 = { x: from.x + from.w, y: from.y + from.h * 0.7 };
      d = `M${p0.x} ${p0.y} C${p1.x} ${p1.y} ${p2.x} ${p2.y} ${p3.x} ${p3.y}`;
      middle = { x: from.x + from.w + 40, y: from.y + from.h / 2 + 4 };
      anchor = 'start';
    } else if (model.back.has(edge)) {
      const x = model.laneStart + lane * 16;
      lane += 1;
      // Out of the right side, or of the top right corner when a self-loop is there.
      const p0 = model.selfLooped.has(edge.from) ? { x: from.x + from.w - 12, y: from.y }
        : { x: from.x + from.w, y: from.y + from.h / 2 };
      const p3 = { x: to.x + to.w, y: to.y + to.h / 2 };
      const p1 = { x, y: p0.y };
      const p2 = { x, y: p3.y };
      d = `M${p0.x} ${p0.y} C${p1.x} ${p1.y} ${p2.x} ${p2.y} ${p3.x} ${p3.y}`;
      middle = bezierMiddle(p0, p1, p2, p3);
      middle.x += 6;
      anchor = 'start';
    } else {
      const outs = outOrder.get(edge.from);
      const ins = inOrder.get(edge.to);
      const p0 = { x: spread(outs.length, outs.indexOf(edge), from.x, from.w), y: from.y + from.h };
      const p3 = { x: spread(ins.length, ins.indexOf(edge), to.x, to.w), y: to.y };
      const bend = Math.max(24, (p3.y - p0.y) / 2);
      const p1 = { x: p0.x, y: p0.y + bend };
      const p2 = { x: p3.x, y: p3.y - bend };
      d = `M${p0.x} ${p0.y} C${p1.x} ${p1.y} ${p2.x} ${p2.y} ${p3.x} ${p3.y}`;
      middle = bezierMiddle(p0, p1, p2, p3);
      if (p3.y - p0.y > model.gapY + 1 || outs.length > MAX_MIDDLE_LABELS) {
        // Past other lines, or one of many labels fanning out: just above the target,
        // where nothing else is drawn.
        middle = { x: p3.x + 6, y: p3.y - 14 };
        anchor = 'start';
      } else if (p3.x < p0.x - 4) {
        // Beside the edge, on the outer side, so that the line never crosses the text.
        anchor = 'end';
        middle.x -= 8;
      } else if (p3.x > p0.x + 4) {
        anchor = 'start';
        middle.x += 8;
      } else {
        anchor = 'start';
        middle.x += 6;
      }
    }
    const path = svg('path', {
      d,
      class: `edge${edge.condition ? ' edge--conditional' : ''}${model.back.has(edge) ? ' edge--back' : ''}`,
      'data-from': edge.from, 'data-to': edge.to,
    });
    edgeLayer.append(path);
    const key = `${edge.from}\u0000${edge.to}`;
    (edgeElements.get(key) ?? edgeElements.set(key, []).get(key)).push(path);
    if (edge.condition) {
      labelLayer.append(svg('text', {
        class: 'edge-label', x: middle.x, y: middle.y + 4, 'text-anchor': anchor,
        'data-from': edge.from, 'data-to': edge.to,
      }, edge.condition));
    }
  }

  const nodeLayer = svg('g', { class: 'nodes' });
  const nodeElements = new Map();
  for (const node of graph.nodes) {
    const box = model.boxes.get(node.id);
    const stateText = svg('text', { class: 'node-state', x: box.w / 2, y: 36 }, 'idle');
    const title = node.id.length > 24 ? `${node.id.slice(0, 23)}…` : node.id;
    const name = node.description ? `${node.id}: ${node.description}` : node.id;
    const tooltip = svg('title', {}, name);
    const group = svg('g', {
      class: 'node', transform: `translate(${box.x} ${box.y})`, 'data-node-id': node.id, 'data-status': 'idle',
      'data-retries': 0, role: 'img', 'aria-label': name,
    },
    tooltip,
    svg('rect', { width: box.w, height: box.h, rx: 9 }),
    svg('text', { class: 'node-title', x: box.w / 2, y: 20, 'aria-hidden': 'true' }, title),
    stateText);
    nodeLayer.append(group);
    nodeElements.set(node.id, { group, stateText, tooltip, name });
    if (node.id === graph.startNode) {
      const cx = box.x + box.w / 2;
      nodeLayer.append(svg('g', { class: 'start-marker', 'aria-hidden': 'true' },
        svg('circle', { cx, cy: box.y - 24, r: 6 }),
        svg('path', { d: `M${cx} ${box.y - 18} L${cx} ${box.y - 1}`, class: 'edge' })));
    }
  }
  root.append(edgeLayer, nodeLayer, labelLayer);
  ui.diagram.replaceChildren(root);
  // Labels are placed from estimates; fit the drawing to what was really rendered.
  const drawn = root.getBBox();
  if (drawn.width > 0 && drawn.height > 0) {
    const pad = 10;
    const x = Math.floor(Math.min(0, drawn.x - pad));
    const y = Math.floor(Math.min(0, drawn.y - pad));
    const width = Math.ceil(Math.max(model.width, drawn.x + drawn.width + pad) - x);
    const height = Math.ceil(Math.max(model.height, drawn.y + drawn.height + pad) - y);
    root.setAttribute('viewBox', `${x} ${y} ${width} ${height}`);
    root.setAttribute('width', String(width));
    root.setAttribute('height', String(height));
  }
  state.diagram = { graphId: graph.id, nodes: nodeElements, edges: edgeElements };
}

function retryCount(count) {
  return `${count} retr${count === 1 ? 'y' : 'ies'}`;
}

/** Retries of a node, and of the nodes inside it when it runs a subgraph. */
function retriesOf(info) {
  return info.retries + info.nestedRetries;
}

/**
 * What a diagram node says in its box. A node that ran several times (a loop) shows
 * "×N"; one that needed retries keeps saying so once it is done ("✓ after 2 retries"),
 * with the duration left to its title, so that the mark fits the box.
 */
function nodeStateText(info) {
  const runs = info.runs > 1 ? ` ×${info.runs}` : '';
  const retries = retriesOf(info);
  switch (info.status) {
    case 'running':
      return info.child ? `running… ${info.child}` : `running…${runs}`;
    case 'completed':
      if (retries > 0) {
        return info.runs > 1 ? `✓${runs} · ${retryCount(retries)}` : `✓ after ${retryCount(retries)}`;
      }
      return `✓ ${formatMs(info.durationMs)}${runs}`;
    case 'failed':
      return `✗ failed${runs}${retries > 0 ? `, ${retryCount(retries)}` : ''}`;
    case 'retrying':
      return `↻ retry ${info.retries}`;
    case 'cancelled':
      return 'cancelled';
    default:
      return 'idle';
  }
}

/** The node's state in words, for its title (tooltip) and its accessible name. */
function nodeStateSentence(info) {
  const runs = info.runs > 1 ? ` (ran ${info.runs} times)` : '';
  const duration = typeof info.durationMs === 'number' ? ` in ${formatMs(info.durationMs)}` : '';
  const retries = retriesOf(info);
  const inside = info.retriedChildren.size > 0 ? ` (of ${[...info.retriedChildren].join(', ')})` : '';
  const retried = retries > 0 ? ` after ${retryCount(retries)}${inside}` : '';
  switch (info.status) {
    case 'running':
      return `running${info.child ? ` ${info.child}` : ''}${runs}${retried}`;
    case 'completed':
      return `completed${duration}${runs}${retried}`;
    case 'failed':
      return `failed${runs}${retried}`;
    case 'retrying':
      return `retrying (retry ${info.retries})`;
    case 'cancelled':
      return 'cancelled';
    default:
      return 'not run';
  }
}

/**
 * The diagram node an event's node belongs to. Nodes inside a subgraph report their path
 * ("research/search"); the diagram shows them on their top-level node ("research").
 */
function diagramNodeId(nodeId) {
  const slash = typeof nodeId === 'string' ? nodeId.indexOf('/') : -1;
  return slash > 0 ? nodeId.slice(0, slash) : nodeId;
}

function paintNode(run, nodeId) {
  const diagram = state.diagram;
  if (!diagram || diagram.graphId !== run.graphId) {
    return;
  }
  const top = diagramNodeId(nodeId);
  const target = diagram.nodes.get(top);
  const info = run.nodes.get(top) ?? run.nodes.get(nodeId);
  if (target && info) {
    const retries = retriesOf(info);
    const label = `${target.name} — ${nodeStateSentence(info)}`;
    target.group.dataset.status = info.status;
    target.group.dataset.retries = String(retries);
    target.group.classList.toggle('node--retried', retries > 0);
    target.group.setAttribute('aria-label', label);
    target.tooltip.textContent = label;
    target.stateText.textContent = nodeStateText(info);
  }
}

function paintEdge(run, key) {
  const diagram = state.diagram;
  if (diagram && diagram.graphId === run.graphId) {
    (diagram.edges.get(key) ?? []).forEach((path) => path.classList.add('edge--taken'));
  }
}

function paintRunOnDiagram(run) {
  run.nodes.forEach((info, nodeId) => paintNode(run, nodeId));
  run.takenEdges.forEach((key) => paintEdge(run, key));
}

// ---------------------------------------------------------------------------------
// The run form

function setInputError(message) {
  showMessage(ui.inputError, message);
  if (message) {
    ui.input.setAttribute('aria-invalid', 'true');
  } else {
    ui.input.removeAttribute('aria-invalid');
  }
}

function validateInput(text) {
  if (!text.trim()) {
    return 'Enter a JSON object; {} means no input.';
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `This is not valid JSON: ${error.message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return `The input must be a JSON object such as {"key": "value"}, not ${kind}.`;
  }
  return null;
}

function submitRun(event) {
  event.preventDefault();
  if (!state.selected || !config.sseEnabled) {
    return;
  }
  const text = ui.input.value;
  const problem = validateInput(text);
  if (problem) {
    setInputError(problem);
    ui.input.focus();
    return;
  }
  const url = api.stream(state.selected, JSON.stringify(JSON.parse(text)));
  if (url.length > MAX_URL_LENGTH) {
    setInputError(`The input is too large to travel in the stream URL (${url.length} of at most `
      + `${MAX_URL_LENGTH} characters once encoded); shorten it.`);
    ui.input.focus();
    return;
  }
  setInputError('');
  state.inputs.set(state.selected, text);
  startRun(state.selected, url);
}

// ---------------------------------------------------------------------------------
// Following one execution

function newRun(graphId) {
  return {
    graphId,
    executionId: null,
    source: null,
    bySequence: new Map(),
    lastSequence: 0,
    highestSequence: 0,
    duplicates: 0,
    nodes: new Map(),
    spans: [],
    openSpans: new Map(),
    chunks: new Map(),
    chunkPending: new Map(),
    takenEdges: new Set(),
    frontier: new Set(),
    consumed: new Set(),
    startMs: null,
    maxOffset: 0,
    lastEventClock: 0,
    tick: 0,
    status: 'starting',
    durationMs: null,
    terminal: null,
    reconnects: 0,
    resumeAttempts: 0,
    resumeTimer: 0,
    pendingRows: [],
    renderedRows: 0,
    lastRenderedSequence: 0,
    dirtyNodes: new Set(),
    timelineDirty: false,
    frame: 0,
  };
}

function stopFollowing(run) {
  if (!run) {
    return;
  }
  if (run.source) {
    run.source.close();
    run.source = null;
  }
  clearTimeout(run.resumeTimer);
  clearInterval(run.tick);
  if (run.frame) {
    cancelAnimationFrame(run.frame);
    run.frame = 0;
  }
}

function startRun(graphId, url) {
  stopFollowing(state.run);
  const run = newRun(graphId);
  state.run = run;
  resetRunViews(run);
  openSource(run, url);
}

function resetRunViews(run) {
  if (!state.diagram || state.diagram.graphId !== run.graphId) {
    selectGraph(run.graphId);
  } else {
    drawDiagram(graphById(run.graphId));
  }
  ui.logBody.replaceChildren();
  ui.timeline.replaceChildren();
  ui.partialOutput.replaceChildren();
  ui.timelineStatus.textContent = 'Waiting for the first node…';
  ui.outputStatus.textContent = 'Streamed output (NodeOutputChunk) appears here as it arrives.';
  ui.outputStatus.hidden = false;
  ui.finalOutput.hidden = true;
  ui.finalOutputText.textContent = '';
  showMessage(ui.runError, '');
  ui.cancelButton.disabled = true;
  ui.cancelButton.textContent = 'Cancel execution';
  const graph = graphById(run.graphId);
  ui.filterNode.replaceChildren(element('option', { value: '' }, 'All nodes'),
    ...(graph ? graph.nodes : []).map((node) => element('option', { value: node.id }, node.id)));
  renderSummary(run);
  updateLogCount(run);
}

function openSource(run, url) {
  const source = new EventSource(url);
  run.source = source;
  setConnection(run.reconnects > 0 ? 'reconnecting' : 'connecting', run);
  source.addEventListener('open', () => {
    if (run.source === source) {
      run.resumeAttempts = 0;
      setConnection('connected', run);
    }
  });
  source.addEventListener('error', () => sourceFailed(run, source));
  const onEvent = (message) => {
    if (run.source === source) {
      receive(run, message.data);
    }
  };
  EVENT_TYPES.forEach((type) => source.addEventListener(type, onEvent));
  source.addEventListener('message', onEvent);
}

function sourceFailed(run, source) {
  if (run.source !== source || run.terminal) {
    return;
  }
  if (source.readyState === EventSource.CONNECTING) {
    // The stream ended or broke: EventSource reconnects to the same URL with Last-Event-ID.
    run.reconnects += 1;
    setConnection('reconnecting', run);
    return;
  }
  // CLOSED: the browser gave up (an error status such as 404, 410 or 429).
  source.close();
  run.source = null;
  if (!run.executionId) {
    run.status = 'not started';
    renderSummary(run);
    setConnection('failed', run);
    showMessage(ui.runError, 'The server did not start the stream. The graph may be gone, or the server may be at '
      + 'its limit of streams or executions; try again.');
    ui.startButton.focus();
    return;
  }
  if (run.resumeAttempts >= MAX_RESUME_ATTEMPTS) {
    setConnection('failed', run);
    showMessage(ui.runError, `Lost the stream of execution ${run.executionId} after ${run.lastSequence} events; `
      + 'it may have ended and expired on the server.');
    refreshActive();
    return;
  }
  run.resumeAttempts += 1;
  run.reconnects += 1;
  setConnection('reconnecting', run);
  const delay = Math.min(8000, 1000 * 2 ** (run.resumeAttempts - 1));
  run.resumeTimer = setTimeout(() => {
    if (state.run === run && !run.terminal) {
      openSource(run, api.resume(run.graphId, run.executionId, run.lastSequence));
    }
  }, delay);
}

function setConnection(name, run) {
  ui.connection.dataset.state = name;
  ui.connection.dataset.reconnects = String(run ? run.reconnects : 0);
  let text = CONNECTION_TEXT[name] ?? name;
  if (name === 'reconnecting' && run && run.reconnects > 1) {
    text += ` (attempt ${run.reconnects})`;
  } else if (name === 'connected' && run && run.reconnects > 0) {
    text += ` again (reconnected ${run.reconnects}×)`;
  } else if (name === 'closed' && run && run.terminal) {
    text += `: execution ${run.status}`;
  }
  ui.connectionText.textContent = text;
}

function receive(run, data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return;
  }
  const sequence = Number(event.sequence);
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    return;
  }
  if (run.bySequence.has(sequence)) {
    run.duplicates += 1;
    scheduleRender(run);
    return;
  }
  run.bySequence.set(sequence, event);
  run.highestSequence = Math.max(run.highestSequence, sequence);
  while (run.bySequence.has(run.lastSequence + 1)) {
    run.lastSequence += 1;
  }
  if (!run.executionId && event.executionId) {
    run.executionId = event.executionId;
    ui.cancelButton.disabled = false;
    refreshActive();
  }
  apply(run, event);
  run.pendingRows.push(event);
  if (TERMINAL_TYPES.has(event.eventType)) {
    finish(run, event);
  }
  scheduleRender(run);
}

function nodeInfo(run, nodeId) {
  let info = run.nodes.get(nodeId);
  if (!info) {
    info = {
      status: 'idle', runs: 0, attempt: 0, retries: 0, nestedRetries: 0, retriedChildren: new Set(),
      durationMs: null, child: null,
    };
    run.nodes.set(nodeId, info);
  }
  return info;
}

function closeSpan(run, nodeId, status, end) {
  const span = run.openSpans.get(nodeId);
  if (span) {
    span.status = status;
    span.end = Math.max(span.start, end);
    run.openSpans.delete(nodeId);
  }
}

/**
 * Marks the edges a starting node was reached by: those from its predecessors on the
 * frontier (nodes that completed and whose successors had not started yet). All the
 * heads of a fan-out start before anything completes, so each finds the fork on the
 * frontier; a join finds every branch that ended there. A node leaves the frontier at
 * the first completion after one of its successors started.
 */
function markTakenEdges(run, nodeId) {
  const graph = graphById(run.graphId);
  for (const edge of graph ? graph.edges : []) {
    if (edge.to === nodeId && run.frontier.has(edge.from)) {
      const key = `${edge.from}\u0000${nodeId}`;
      run.takenEdges.add(key);
      paintEdge(run, key);
      run.consumed.add(edge.from);
    }
  }
}

/** Updates the model of the run with one new event; drawing happens in render(). */
function apply(run, event) {
  const time = timeOf(event);
  if (run.startMs === null && time !== null) {
    run.startMs = time;
  }
  const offset = time !== null && run.startMs !== null ? Math.max(0, time - run.startMs) : run.maxOffset;
  run.maxOffset = Math.max(run.maxOffset, offset);
  run.lastEventClock = performance.now();
  event.offsetMs = offset;
  const nodeId = event.nodeId;
  switch (event.eventType) {
    case 'ExecutionStarted':
      run.status = 'running';
      break;
    case 'NodeStarted': {
      run.status = 'running';
      const info = nodeInfo(run, nodeId);
      const retry = info.status === 'retrying';
      info.status = 'running';
      // A retry is another attempt of the same run of the node, not another run (a loop's).
      if (retry) {
        info.attempt += 1;
      } else {
        info.runs += 1;
        info.attempt = 1;
      }
      const span = { nodeId, run: info.runs, attempt: info.attempt, start: offset, end: null, status: 'running' };
      run.spans.push(span);
      run.openSpans.set(nodeId, span);
      const top = diagramNodeId(nodeId);
      if (top !== nodeId) {
        // A node inside a subgraph: its top-level node shows which one runs.
        nodeInfo(run, top).child = nodeId.slice(top.length + 1);
      } else if (!retry) {
        markTakenEdges(run, nodeId);
      }
      if (run.chunks.has(nodeId)) {
        run.chunkPending.set(nodeId, `${run.chunkPending.get(nodeId) ?? ''}\n`);
      }
      run.dirtyNodes.add(nodeId);
      run.timelineDirty = true;
      break;
    }
    case 'NodeCompleted':
    case 'NodeFailed': {
      const outcome = event.eventType === 'NodeCompleted' ? 'completed' : 'failed';
      const info = nodeInfo(run, nodeId);
      info.status = outcome;
      info.durationMs = event.durationMs;
      const span = run.openSpans.get(nodeId);
      closeSpan(run, nodeId, outcome,
        span && typeof event.durationMs === 'number' ? span.start + event.durationMs : offset);
      const top = diagramNodeId(nodeId);
      if (top === nodeId) {
        info.child = null;
        run.consumed.forEach((id) => run.frontier.delete(id));
        run.consumed.clear();
        run.frontier.add(nodeId);
      } else if (run.nodes.get(top)?.child === nodeId.slice(top.length + 1)) {
        run.nodes.get(top).child = null;
      }
      run.dirtyNodes.add(nodeId);
      run.timelineDirty = true;
      break;
    }
    case 'RetryAttempted': {
      const info = nodeInfo(run, nodeId);
      info.status = 'retrying';
      info.retries += 1;
      closeSpan(run, nodeId, 'failed', offset);
      const top = diagramNodeId(nodeId);
      if (top !== nodeId) {
        const parent = nodeInfo(run, top);
        parent.nestedRetries += 1;
        parent.retriedChildren.add(nodeId.slice(top.length + 1));
      }
      run.dirtyNodes.add(nodeId);
      run.timelineDirty = true;
      break;
    }
    case 'NodeOutputChunk': {
      const piece = typeof event.chunk === 'string' ? event.chunk : shortJson(event.chunk, 100000);
      run.chunks.set(nodeId, true);
      run.chunkPending.set(nodeId, `${run.chunkPending.get(nodeId) ?? ''}${piece}`);
      break;
    }
    case 'ExecutionCompleted':
    case 'ExecutionFailed':
    case 'ExecutionCancelled': {
      run.status = { ExecutionCompleted: 'completed', ExecutionFailed: 'failed' }[event.eventType] ?? 'cancelled';
      run.durationMs = typeof event.durationMs === 'number' ? event.durationMs : offset;
      const ended = run.status === 'cancelled' ? 'cancelled' : 'failed';
      run.openSpans.forEach((span, id) => {
        const info = nodeInfo(run, id);
        info.status = ended;
        run.dirtyNodes.add(id);
        closeSpan(run, id, ended, offset);
      });
      run.timelineDirty = true;
      break;
    }
    default:
      break;
  }
}

function finish(run, event) {
  run.terminal = event;
  if (run.source) {
    run.source.close();
    run.source = null;
  }
  clearTimeout(run.resumeTimer);
  clearInterval(run.tick);
  run.timelineDirty = true;
  ui.cancelButton.disabled = true;
  ui.cancelButton.textContent = 'Cancel execution';
  setConnection('closed', run);
  if (event.eventType === 'ExecutionFailed') {
    showMessage(ui.runError, `Execution failed${event.nodeId ? ` in node ${event.nodeId}` : ''}: `
      + `${event.errorType ?? 'error'}: ${event.errorMessage ?? ''}`);
  }
  if (event.eventType === 'ExecutionCompleted' && event.output !== undefined) {
    const text = JSON.stringify(event.output, null, 2) ?? '';
    ui.finalOutputText.textContent = text.length > 50000 ? `${text.slice(0, 50000)}\n…` : text;
    ui.finalOutput.hidden = false;
  }
  refreshActive();
}

// ---------------------------------------------------------------------------------
// Drawing, once per animation frame

function scheduleRender(run) {
  if (!run.frame) {
    run.frame = requestAnimationFrame(() => render(run));
  }
}

function render(run) {
  run.frame = 0;
  if (state.run !== run) {
    return;
  }
  if (run.pendingRows.length > 0) {
    appendRows(run);
  }
  run.dirtyNodes.forEach((nodeId) => paintNode(run, nodeId));
  run.dirtyNodes.clear();
  if (run.timelineDirty) {
    renderTimeline(run);
    run.timelineDirty = false;
  }
  if (run.chunkPending.size > 0) {
    renderChunks(run);
  }
  renderSummary(run);
}

function renderSummary(run) {
  ui.summary.dataset.status = run.status;
  ui.runStatus.textContent = run.status;
  ui.runExecutionId.textContent = run.executionId ?? '–';
  const count = run.bySequence.size;
  const gaps = run.highestSequence - count;
  ui.runEvents.dataset.count = String(count);
  ui.runEvents.dataset.duplicates = String(run.duplicates);
  ui.runEvents.dataset.gaps = String(gaps);
  ui.runEvents.textContent = `${count}${run.duplicates > 0 ? ` (${run.duplicates} repeated, ignored)` : ''}`
    + `${gaps > 0 ? ` (${gaps} missing)` : ''}`;
  ui.runDuration.textContent = run.durationMs !== null ? formatMs(run.durationMs)
    : run.lastEventClock > 0 ? `${formatMs(liveOffset(run))} so far` : '–';
}

function eventKind(type) {
  switch (type) {
    case 'ExecutionStarted':
    case 'NodeStarted':
      return 'started';
    case 'NodeCompleted':
    case 'ExecutionCompleted':
      return 'completed';
    case 'NodeFailed':
    case 'ExecutionFailed':
      return 'failed';
    case 'RetryAttempted':
      return 'retry';
    case 'ExecutionCancelled':
      return 'cancelled';
    default:
      return 'other';
  }
}

function describeEvent(event) {
  switch (event.eventType) {
    case 'ExecutionStarted':
      return `start node ${event.startNode ?? '?'}; input ${shortJson(event.input)}`;
    case 'NodeCompleted':
      return `${formatMs(event.durationMs)}; output ${shortJson(event.output)}`;
    case 'NodeFailed':
    case 'ExecutionFailed':
      return `${formatMs(event.durationMs)}; ${event.errorType}: ${event.errorMessage}`;
    case 'ExecutionCompleted':
      return `${formatMs(event.durationMs)}${event.output !== undefined ? `; final state ${shortJson(event.output)}` : ''}`;
    case 'ExecutionCancelled':
      return `${formatMs(event.durationMs)}; ${event.reason ?? ''}`;
    case 'ConditionEvaluated':
      return `"${event.condition}" → ${event.targetNode}: ${event.result}`;
    case 'NodeOutputChunk':
      return `#${event.chunkIndex} ${shortJson(event.chunk)}`;
    case 'RetryAttempted':
      return `attempt ${event.attempt} after ${formatMs(event.delayMs)}; ${event.errorType}: ${event.errorMessage}`;
    default: {
      const extra = Object.fromEntries(Object.entries(event)
        .filter(([key]) => !ENVELOPE_FIELDS.has(key) && key !== 'offsetMs'));
      return Object.keys(extra).length > 0 ? shortJson(extra) : '';
    }
  }
}

function rowMatches(row) {
  const type = ui.filterType.value;
  const node = ui.filterNode.value;
  return (!type || row.dataset.type === type)
    && (!node || row.dataset.node === node || row.dataset.node.startsWith(`${node}/`));
}

function createRow(event) {
  const row = element('tr', {
    'data-sequence': event.sequence, 'data-type': event.eventType, 'data-node': event.nodeId ?? '',
  },
  element('td', { class: 'seq' }, String(event.sequence)),
  element('td', { class: 'time' }, `+${formatMs(event.offsetMs)}`),
  element('td', { class: 'type' }, element('span', { class: 'type-badge', 'data-kind': eventKind(event.eventType) },
    event.eventType), element('span', { class: 'node-inline' }, event.nodeId ?? '')),
  element('td', { class: 'node' }, event.nodeId ?? ''),
  element('td', { class: 'details' }, describeEvent(event)));
  row.hidden = !rowMatches(row);
  return row;
}

function appendRows(run) {
  const scroller = ui.logScroll;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const events = run.pendingRows.sort((a, b) => a.sequence - b.sequence);
  run.pendingRows = [];
  const fragment = document.createDocumentFragment();
  for (const event of events) {
    const row = createRow(event);
    if (event.sequence > run.lastRenderedSequence) {
      fragment.append(row);
      run.lastRenderedSequence = event.sequence;
    } else {
      // An event older than one already shown: put it in sequence order.
      ui.logBody.append(fragment);
      const next = [...ui.logBody.children].find((other) => Number(other.dataset.sequence) > event.sequence);
      ui.logBody.insertBefore(row, next ?? null);
    }
  }
  ui.logBody.append(fragment);
  let excess = ui.logBody.children.length - MAX_LOG_ROWS;
  while (excess > 0) {
    ui.logBody.firstElementChild.remove();
    excess -= 1;
  }
  updateLogCount(run);
  if (atBottom) {
    scroller.scrollTop = scroller.scrollHeight;
  }
}

function applyFilters() {
  for (const row of ui.logBody.children) {
    row.hidden = !rowMatches(row);
  }
  if (state.run) {
    updateLogCount(state.run);
  }
}

function updateLogCount(run) {
  const total = run.bySequence.size;
  const shown = ui.logBody.children.length;
  const visible = [...ui.logBody.children].filter((row) => !row.hidden).length;
  let text = `${total} event${total === 1 ? '' : 's'}`;
  if (visible !== total) {
    text = `showing ${visible} of ${total} events`;
  }
  if (shown < total && visible === shown) {
    text += ` (latest ${shown})`;
  }
  ui.logCount.textContent = text;
}

/**
 * Where the execution is now, in milliseconds since it started: the offset of the latest
 * event plus the time this page has waited since (no mixing of server and browser clocks).
 */
function liveOffset(run) {
  if (run.terminal || run.lastEventClock === 0) {
    return run.maxOffset;
  }
  return run.maxOffset + (performance.now() - run.lastEventClock);
}

function renderTimeline(run) {
  const now = liveOffset(run);
  const spans = run.spans.slice(-MAX_TIMELINE_ROWS);
  const total = Math.max(now, run.durationMs ?? 0, ...spans.map((span) => span.end ?? span.start), 1);
  if (run.openSpans.size > 0 && !run.terminal && !run.tick) {
    run.tick = setInterval(() => {
      if (state.run !== run || run.terminal || run.openSpans.size === 0) {
        clearInterval(run.tick);
        run.tick = 0;
        return;
      }
      run.timelineDirty = true;
      scheduleRender(run);
    }, 250);
  }
  ui.timeline.replaceChildren(...spans.map((span) => {
    const end = span.end ?? now;
    const bar = element('span', { class: 'span-bar' });
    bar.style.left = `${(100 * span.start) / total}%`;
    bar.style.width = `${Math.max(0.4, (100 * (end - span.start)) / total)}%`;
    const label = `${span.nodeId}${span.run > 1 ? ` #${span.run}` : ''}`
      + `${span.attempt > 1 ? ` attempt ${span.attempt}` : ''}`;
    const duration = span.end === null ? `${formatMs(end - span.start)}…` : formatMs(span.end - span.start);
    return element('li', { 'data-node-id': span.nodeId, 'data-status': span.status },
      element('span', { class: 'span-label', title: label }, label),
      element('span', { class: 'span-track', 'aria-hidden': 'true' }, bar),
      element('span', { class: 'span-duration' }, duration));
  }));
  ui.timelineStatus.textContent = run.spans.length > MAX_TIMELINE_ROWS
    ? `The last ${MAX_TIMELINE_ROWS} of ${run.spans.length} node runs, over ${formatMs(total)}.`
    : `${run.spans.length} node run${run.spans.length === 1 ? '' : 's'} over ${formatMs(total)}.`;
}

function renderChunks(run) {
  ui.outputStatus.hidden = true;
  run.chunkPending.forEach((text, nodeId) => {
    let block = [...ui.partialOutput.children].find((child) => child.dataset.nodeId === nodeId);
    if (!block) {
      block = element('section', { class: 'chunk-block', 'data-node-id': nodeId },
        element('h3', {}, nodeId), element('pre', { class: 'chunk-text', 'data-node-id': nodeId }));
      ui.partialOutput.append(block);
    }
    const pre = block.querySelector('pre');
    const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 20;
    pre.append(text);
    if (atBottom) {
      pre.scrollTop = pre.scrollHeight;
    }
  });
  run.chunkPending.clear();
}

// ---------------------------------------------------------------------------------
// Active executions

async function refreshActive() {
  const active = state.active;
  if (active.loading) {
    active.again = true;
    return;
  }
  clearTimeout(active.timer);
  active.loading = true;
  try {
    const response = await fetch(api.running(), { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) {
      throw new Error(await problemText(response));
    }
    renderActive(await response.json());
  } catch (error) {
    ui.activeStatus.textContent = `Could not load the executions: ${error.message}`;
  } finally {
    active.loading = false;
    if (active.again) {
      active.again = false;
      refreshActive();
    } else {
      active.timer = setTimeout(refreshActive, ACTIVE_REFRESH_MS);
    }
  }
}

function renderActive(executions) {
  const list = Array.isArray(executions) ? executions : [];
  const existing = new Map([...ui.activeList.children].map((item) => [item.dataset.executionId, item]));
  const keep = new Set();
  list.forEach((execution, index) => {
    const id = execution.executionId;
    keep.add(id);
    let item = existing.get(id);
    if (!item) {
      item = createActiveItem(execution);
    }
    const started = new Date(execution.startedAt);
    item.querySelector('.active-detail').textContent = `node ${execution.currentNode ?? '–'} · `
      + `${execution.eventCount} events · since ${Number.isNaN(started.getTime()) ? '?' : started.toLocaleTimeString()}`;
    item.classList.toggle('current', Boolean(state.run && state.run.executionId === id));
    if (ui.activeList.children[index] !== item) {
      ui.activeList.insertBefore(item, ui.activeList.children[index] ?? null);
    }
  });
  existing.forEach((item, id) => {
    if (!keep.has(id)) {
      if (item.contains(document.activeElement)) {
        ui.activeTitle.focus();
      }
      item.remove();
    }
  });
  ui.activeStatus.textContent = list.length === 0 ? 'No running executions.'
    : `${list.length} running execution${list.length === 1 ? '' : 's'}.`;
}

function createActiveItem(execution) {
  const id = execution.executionId;
  const button = element('button', {
    type: 'button', class: 'danger cancel-execution', 'data-execution-id': id,
    'aria-label': `Cancel execution ${id} of ${execution.graphId}`,
  }, 'Cancel');
  button.addEventListener('click', () => cancelExecution(execution.graphId, id, button));
  return element('li', { 'data-execution-id': id, 'data-graph-id': execution.graphId },
    element('div', { class: 'active-info' },
      element('strong', {}, execution.graphId), ' ',
      element('code', { title: id }, id.slice(0, 8)),
      element('span', { class: 'graph-meta active-detail' }, '')),
    button);
}

async function cancelExecution(graphId, executionId, button) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = 'Cancelling…';
  showMessage(ui.activeError, '');
  try {
    const response = await fetch(api.execution(graphId, executionId), {
      method: 'DELETE', headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw new Error(await problemText(response));
    }
  } catch (error) {
    showMessage(ui.activeError, `Could not cancel execution ${executionId}: ${error.message}`);
    button.disabled = false;
    button.textContent = label;
    return;
  }
  refreshActive();
}

// ---------------------------------------------------------------------------------
// Start-up

function init() {
  ui.filterType.append(...EVENT_TYPES.map((type) => element('option', { value: type }, type)));
  ui.filterType.addEventListener('change', applyFilters);
  ui.filterNode.addEventListener('change', applyFilters);
  ui.form.addEventListener('submit', submitRun);
  ui.input.addEventListener('input', () => {
    if (ui.input.hasAttribute('aria-invalid')) {
      setInputError('');
    }
  });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  });
  ui.cancelButton.addEventListener('click', () => {
    const run = state.run;
    if (run && run.executionId && !run.terminal) {
      cancelExecution(run.graphId, run.executionId, ui.cancelButton);
    }
  });
  ui.activeTitle.tabIndex = -1;
  if (!config.sseEnabled) {
    ui.sseDisabled.hidden = false;
    ui.startButton.disabled = true;
  }
  window.addEventListener('pagehide', () => stopFollowing(state.run));
  setConnection('idle', null);
  loadGraphs();
  refreshActive();
}

init();
