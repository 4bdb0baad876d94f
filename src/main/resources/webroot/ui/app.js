// Dashboard for websocket-test-service. Plain DOM, no dependencies. Every string that comes from a server or
// from the user is written with textContent (never innerHTML), so a message containing <script> shows as text.
'use strict';

(function () {
  const MAX_POOL = 500;
  const MAX_LOG_ENTRIES = 300;
  const INFO_INTERVAL_MS = 2000;
  const CLOSE_CODES = {
    1000: 'Normal Closure', 1001: 'Going Away', 1002: 'Protocol Error', 1003: 'Unsupported Data',
    1005: 'No Status Received', 1006: 'Abnormal Closure (no close frame)', 1007: 'Invalid Payload Data',
    1008: 'Policy Violation', 1009: 'Message Too Big', 1010: 'Mandatory Extension', 1011: 'Internal Error',
    1012: 'Service Restart', 1013: 'Try Again Later', 1015: 'TLS Handshake'
  };

  const $ = (id) => document.getElementById(id);

  let main = null;          // the page's own socket
  let infoTimer = null;
  let pingSeq = 0;
  const pingsInFlight = new Map(); // ping_id -> performance.now() when sent
  let mainInstanceId = null;

  const POOL_IN_FLIGHT = 50;
  let pool = [];            // {ws, state: 'waiting'|'connecting'|'open'|'closed'|'failed', instanceId}
  let poolGeneration = 0;   // bumped by every open and close, so callbacks of an old pool start nothing
  let tally = new Map();    // instance_id -> {count, pod, displayName}
  let renderQueued = false;

  // ---- helpers ----------------------------------------------------------------------------------------

  function setText(id, value) {
    $(id).textContent = value === undefined || value === null || value === '' ? '–' : String(value);
  }

  /** A new element whose text (never markup) is the given string. */
  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function show(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  function defaultUrl() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    // The page lives at <prefix>/ui/; the protocol socket at <prefix>/ws (works behind a path-prefix proxy).
    const path = location.pathname.replace(/ui\/[^/]*$/, 'ws');
    return scheme + location.host + (path.endsWith('ws') ? path : '/ws');
  }

  function describeClose(event) {
    const name = CLOSE_CODES[event.code] || 'unknown code';
    const reason = event.reason ? ' — reason: “' + event.reason + '”' : ' — no reason given';
    return 'Close code ' + event.code + ' (' + name + ')' + reason + '.';
  }

  function setStatus(kind, text) {
    const el = $('conn-status');
    el.className = 'pill pill-' + kind;
    el.textContent = text;
  }

  // ---- log ----------------------------------------------------------------------------------------------

  function log(direction, type, body) {
    const list = $('log');
    const item = element('li');
    item.dataset.testid = 'log-entry';
    item.dataset.type = type;
    const dir = element('span', 'dir-' + direction, direction === 'in' ? '↓' : direction === 'out' ? '↑' : '•');
    dir.title = direction === 'in' ? 'received' : direction === 'out' ? 'sent' : 'event';
    item.append(element('span', 'time', new Date().toISOString().substring(11, 23)), dir,
      element('span', 'type', type), element('span', 'body', body));
    list.prepend(item);
    while (list.childElementCount > MAX_LOG_ENTRIES) {
      list.lastElementChild.remove();
    }
  }

  // ---- the main socket ----------------------------------------------------------------------------------

  function connect() {
    const url = $('ws-url').value.trim() || defaultUrl();
    $('ws-url').value = url;
    disconnect(false);
    $('close-banner').hidden = true;
    const protocols = $('ws-protocols').value.split(',').map((p) => p.trim()).filter((p) => p !== '');
    let ws;
    try {
      ws = protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
    } catch (e) {
      setStatus('closed', 'invalid URL');
      showBanner('Could not connect to ' + url + ': ' + e.message);
      return;
    }
    main = ws;
    setStatus('connecting', 'connecting…');
    log('event', 'connect', url);
    ws.onopen = () => {
      if (ws !== main) return;
      setStatus('open', 'connected');
      pollInfo();
      infoTimer = setInterval(pollInfo, INFO_INTERVAL_MS);
    };
    ws.onmessage = (event) => {
      if (ws === main) onMainMessage(event.data);
    };
    ws.onerror = () => {
      if (ws === main) log('event', 'error', 'WebSocket error (the browser gives no details; see the close code)');
    };
    ws.onclose = (event) => {
      if (ws !== main) return;
      main = null;
      stopPolling();
      setStatus('closed', 'closed ' + event.code);
      $('stats-updated').textContent += ' — socket closed, these are the last values';
      log('event', 'close', describeClose(event));
      showBanner(describeClose(event));
    };
  }

  /** Closes the page's socket; a replaced or user-closed socket shows no banner unless asked. */
  function disconnect(userAction) {
    stopPolling();
    if (!main) return;
    const ws = main;
    main = null;
    ws.close(1000, 'closed from the dashboard');
    if (userAction) {
      setStatus('closed', 'disconnected');
      log('event', 'close', 'Disconnected by you.');
      showBanner('You disconnected (close code 1000).');
    }
  }

  function showBanner(text) {
    $('close-banner-text').textContent = text;
    $('close-banner').hidden = false;
  }

  function stopPolling() {
    if (infoTimer !== null) {
      clearInterval(infoTimer);
      infoTimer = null;
    }
  }

  function send(message, logIt) {
    if (!main || main.readyState !== WebSocket.OPEN) {
      log('event', 'not sent', 'Not connected: press Connect or Reconnect first.');
      return false;
    }
    const text = JSON.stringify(message);
    main.send(text);
    if (logIt) log('out', message.type, text);
    return true;
  }

  function pollInfo() {
    send({ type: 'info' }, false);
    send({ type: 'cluster' }, false);
  }

  function onMainMessage(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      log('in', 'text', data);
      return;
    }
    if (message === null || typeof message !== 'object') {
      log('in', 'text', data);
      return;
    }
    switch (message.type) {
      case 'welcome': showWelcome(message); break;
      case 'pong': showPong(message); break;
      case 'echo': setText('last-echo', show(message.original_message && message.original_message.message)); break;
      case 'broadcast': setText('last-broadcast', show(message.message)); break;
      case 'broadcast_ack': showBroadcastAck(message); break;
      case 'info': showInfo(message); return;
      case 'cluster': showCluster(message); return;
      default: break;
    }
    log('in', String(message.type), data);
  }

  function showWelcome(message) {
    const id = message.service_identity || {};
    mainInstanceId = message.instance_id || id.instance_id || null;
    setText('display-name', id.display_name);
    setText('instance-id', mainInstanceId);
    setText('pod-name', id.pod_name);
    setText('node-name', id.node_name);
    setText('namespace', id.namespace);
    setText('environment', id.environment);
    setText('client-ip', message.client_ip);
    const chain = Array.isArray(message.forwarded_for) ? message.forwarded_for : [];
    setText('forwarded-for', chain.length ? chain.join(' → ') : 'none (direct connection)');
    setText('remote-address', message.remote_address);
    setText('server-kind', message.server === 'raw' ? 'raw WebSocket server (8765)' : message.server === 'http'
      ? 'HTTP server /ws (8080)' : message.server);
    setText('connection-id', message.connection_id);
    document.title = (id.display_name || 'connected') + ' · WebSocket Test Service';
    showRequest(message, main ? main.protocol : '');
    scheduleRender();
  }

  /** The welcome's request, subprotocol, extensions, TLS and PROXY header: all as text. */
  function showRequest(message, browserProtocol) {
    const request = message.request || {};
    setText('req-line', request.method ? request.method + ' ' + request.uri + ' ' + request.http_version : '');
    setText('req-host', request.host);
    setText('req-scheme', request.scheme);
    const offered = Array.isArray(message.subprotocols_offered) ? message.subprotocols_offered : [];
    setText('req-subprotocol', (message.subprotocol || 'none selected')
      + (offered.length ? ' (offered: ' + offered.join(', ') + ')' : ' (none offered)')
      + (browserProtocol ? '; browser: ' + browserProtocol : ''));
    const accepted = Array.isArray(message.extensions) ? message.extensions : [];
    const extOffered = Array.isArray(message.extensions_offered) ? message.extensions_offered : [];
    setText('req-extensions', (accepted.length ? accepted.join(', ') : 'none accepted')
      + (extOffered.length ? ' (offered: ' + extOffered.join(', ') + ')' : ''));
    const tls = request.tls;
    let tlsText = 'none (plain connection to this instance)';
    if (tls) {
      tlsText = tls.protocol + ', ' + tls.cipher_suite + (tls.sni ? ', SNI ' + tls.sni : '')
        + (tls.alpn ? ', ALPN ' + tls.alpn : '');
      const cert = tls.client_certificate;
      if (cert) tlsText += '; client certificate ' + cert.subject + ' (issuer ' + cert.issuer + ')';
    }
    setText('req-tls', tlsText);
    const proxy = message.proxy_protocol;
    setText('req-proxy', proxy ? 'v' + proxy.version + ' ' + proxy.command + ' from ' + proxy.source + ' to '
      + proxy.destination : 'none');
    const rows = (Array.isArray(request.headers) ? request.headers : []).map((pair) => {
      const row = element('tr');
      row.append(element('td', 'mono', String(pair[0])), element('td', 'mono', String(pair[1])));
      return row;
    });
    $('req-headers').replaceChildren(...rows);
  }

  function sockets(n) {
    return n + (n === 1 ? ' socket' : ' sockets');
  }

  function showBroadcastAck(message) {
    if (message.scope !== 'cluster') {
      setText('broadcast-recipients', sockets(message.recipients) + ' on this instance');
      return;
    }
    const replicas = Array.isArray(message.replicas) ? message.replicas : [];
    const note = message.cluster === 'up'
      ? (message.complete ? '' : ' (' + message.replicas_reported + ' of ' + message.replicas_expected + ' reported)')
      : ' (cluster ' + message.cluster + ': this instance only)';
    setText('broadcast-recipients', sockets(message.recipients) + ' on ' + replicas.length
      + (replicas.length === 1 ? ' replica' : ' replicas') + note);
  }

  /** The replicas' own counts, next to the page's tally; every value is written as text. */
  function showCluster(message) {
    const summary = $('cluster-summary');
    const list = $('cluster-replicas');
    summary.dataset.status = String(message.status);
    if (message.status !== 'up') {
      summary.dataset.replicas = '0';
      summary.textContent = message.status === 'disabled'
        ? 'Clustering is off on this replica (no REDIS_URL): each replica knows only its own sockets.'
        : 'Cluster view unavailable: ' + (message.reason || 'Redis cannot be reached') + '.';
      list.replaceChildren();
      return;
    }
    const replicas = Array.isArray(message.replicas) ? message.replicas : [];
    const totals = message.totals || {};
    const open = (totals.connections || {}).total;
    summary.dataset.replicas = String(replicas.length);
    summary.textContent = replicas.length + (replicas.length === 1 ? ' replica' : ' replicas') + ' · '
      + sockets(open) + ' open in total (as of each one\'s last heartbeat) · updated '
      + new Date().toLocaleTimeString();
    list.replaceChildren(...replicas.map(replicaRow));
  }

  function replicaRow(replica) {
    const id = replica.identity || {};
    const c = replica.connections || {};
    const item = element('li', 'replica');
    item.dataset.testid = 'replica';
    item.dataset.instanceId = String(replica.instance_id);
    item.dataset.open = String(c.total);
    const label = element('span', 'bar-label', id.pod_name || replica.display_name || 'replica');
    label.title = (replica.display_name || '') + ' (' + replica.instance_id + ')';
    label.append(element('span', 'mono', String(replica.instance_id)));
    if (replica.instance_id === mainInstanceId) label.append(element('span', 'you', '● this page'));
    const state = element('span', 'replica-state ' + (replica.state === 'draining' ? 'draining' : ''),
      String(replica.state));
    const page = tally.get(replica.instance_id);
    const counts = element('span', 'replica-counts', sockets(c.total) + ' open (http ' + c.http + ', raw ' + c.raw
      + ') · this page: ' + (page ? page.count : 0));
    const seen = element('span', 'replica-seen', 'seen ' + replica.last_seen_ms_ago + ' ms ago');
    item.append(label, state, counts, seen);
    return item;
  }

  function showPong(message) {
    const original = message.original_data || {};
    const sent = pingsInFlight.get(original.ping_id);
    if (sent === undefined) return;
    pingsInFlight.delete(original.ping_id);
    setText('ping-rtt', (performance.now() - sent).toFixed(1) + ' ms');
  }

  function showInfo(message) {
    const c = message.connections || {};
    setText('stats-total', c.total);
    setText('stats-http', c.http);
    setText('stats-raw', c.raw);
    setText('stats-opened', c.opened_total);
    setText('stats-updated', new Date().toLocaleTimeString() + ' from ' + (message.instance_id || 'unknown'));
  }

  function ping() {
    const id = ++pingSeq;
    const t0 = performance.now();
    if (send({ type: 'ping', ping_id: id, message: 'ping from the dashboard' }, true)) {
      pingsInFlight.set(id, t0);
      setText('ping-rtt', 'waiting…');
    }
  }

  // ---- the distribution pool ----------------------------------------------------------------------------

  function poolSize() {
    const n = Math.floor(Number($('pool-size').value));
    return Number.isFinite(n) ? Math.min(MAX_POOL, Math.max(1, n)) : 20;
  }

  /**
   * Opens the pool. Kept open, all sockets start at once (a browser refuses sockets past its per-host limit,
   * Chromium's is 255, and those count as failed). Otherwise each socket closes after its welcome and at most
   * POOL_IN_FLIGHT are open at a time, so any N up to MAX_POOL gets through.
   */
  function openPool() {
    closePool();
    pool = [];
    tally = new Map();
    const generation = ++poolGeneration;
    const url = $('ws-url').value.trim() || defaultUrl();
    const n = poolSize();
    const keepOpen = $('pool-keep-open').checked;
    $('pool-size').value = n;
    log('event', 'pool', 'Opening ' + n + ' connections to ' + url
      + (keepOpen ? ', kept open' : ', each closed after its welcome'));
    for (let i = 0; i < n; i++) pool.push({ ws: null, state: 'waiting', instanceId: null });
    let next = 0;
    const startNext = () => {
      if (generation !== poolGeneration || next >= pool.length) return;
      openPoolSocket(pool[next++], url, keepOpen, startNext);
    };
    const initial = keepOpen ? n : Math.min(n, POOL_IN_FLIGHT);
    for (let i = 0; i < initial; i++) startNext();
    scheduleRender();
  }

  function openPoolSocket(entry, url, keepOpen, done) {
    entry.state = 'connecting';
    try {
      entry.ws = new WebSocket(url);
    } catch (e) {
      entry.state = 'failed';
      done();
      return;
    }
    entry.ws.onmessage = (event) => {
      if (entry.instanceId !== null) return; // only the welcome matters here
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!message || message.type !== 'welcome') return;
      const id = message.service_identity || {};
      entry.instanceId = String(message.instance_id || id.instance_id || 'unknown');
      entry.state = 'open';
      const row = tally.get(entry.instanceId) || { count: 0, pod: id.pod_name, displayName: id.display_name };
      row.count++;
      tally.set(entry.instanceId, row);
      if (!keepOpen) entry.ws.close(1000, 'counted');
      scheduleRender();
    };
    entry.ws.onclose = () => {
      entry.state = entry.instanceId === null ? 'failed' : 'closed';
      scheduleRender();
      done();
    };
  }

  function closePool() {
    poolGeneration++;
    for (const entry of pool) {
      if (entry.ws && entry.ws.readyState <= WebSocket.OPEN) {
        entry.ws.onclose = null;
        entry.ws.close(1000, 'closed from the dashboard');
      }
      if (entry.state !== 'failed') entry.state = 'closed';
    }
    scheduleRender();
  }

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      renderPool();
    });
  }

  /** Distinct colours, handed out in the order instances first appear; an instance keeps its colour. */
  const PALETTE = ['#2f6fdf', '#e07b19', '#2a9d5c', '#c2418f', '#7a52c7', '#1a9fb5', '#a8901a', '#d1453b'];
  const colours = new Map();
  function colour(instanceId) {
    if (!colours.has(instanceId)) {
      const n = colours.size;
      // Past the palette, spread further instances around the colour wheel.
      colours.set(instanceId, n < PALETTE.length ? PALETTE[n] : 'hsl(' + ((n * 137) % 360) + ', 60%, 45%)');
    }
    return colours.get(instanceId);
  }

  function renderPool() {
    const counts = { waiting: 0, connecting: 0, open: 0, closed: 0, failed: 0 };
    for (const entry of pool) counts[entry.state]++;
    const landed = [...tally.values()].reduce((sum, row) => sum + row.count, 0);
    const summary = $('pool-summary');
    summary.dataset.landed = String(landed);
    summary.dataset.open = String(counts.open);
    summary.dataset.connecting = String(counts.connecting + counts.waiting);
    summary.dataset.failed = String(counts.failed);
    summary.textContent = pool.length === 0
      ? 'No connections opened yet.'
      : landed + ' of ' + pool.length + ' welcomed by ' + tally.size + (tally.size === 1 ? ' instance' : ' instances')
        + ' · ' + counts.open + ' open · ' + (counts.connecting + counts.waiting) + ' connecting · '
        + counts.failed + ' failed · ' + counts.closed + ' closed';

    const list = $('distribution');
    const rows = [...tally.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    list.replaceChildren(...rows.map(([instanceId, row]) => barRow(instanceId, row, landed)));
  }

  function barRow(instanceId, row, landed) {
    const percent = landed === 0 ? 0 : (100 * row.count) / landed;
    const item = element('li', 'bar-row');
    item.dataset.testid = 'bar';
    item.dataset.instanceId = instanceId;
    item.dataset.count = String(row.count);

    const label = element('span', 'bar-label', row.pod || row.displayName || 'instance');
    label.title = (row.displayName || '') + ' (' + instanceId + ')';
    label.append(element('span', 'mono', instanceId));
    if (instanceId === mainInstanceId) label.append(element('span', 'you', '● this page'));

    const fill = element('span', 'bar-fill');
    fill.style.display = 'block';
    fill.style.width = percent.toFixed(2) + '%';
    fill.style.background = colour(instanceId);
    const track = element('span', 'bar-track');
    track.append(fill);

    const count = element('span', 'bar-count', String(row.count));
    count.dataset.testid = 'bar-count';
    const pct = element('span', 'bar-percent', percent.toFixed(1) + '%');
    pct.dataset.testid = 'bar-percent';
    const numbers = element('span', 'bar-numbers');
    numbers.append(count, pct);

    item.append(label, track, numbers);
    return item;
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  function updatePoolButton() {
    $('open-pool').textContent = 'Open ' + poolSize() + ' connections';
  }

  document.addEventListener('DOMContentLoaded', () => {
    const params = new URLSearchParams(location.search);
    $('ws-url').value = params.get('url') || defaultUrl();
    $('connect-form').addEventListener('submit', (event) => { event.preventDefault(); connect(); });
    $('disconnect').addEventListener('click', () => disconnect(true));
    $('reconnect').addEventListener('click', connect);
    $('ping').addEventListener('click', ping);
    $('echo').addEventListener('click', () => send({ type: 'echo', message: $('message').value }, true));
    $('broadcast').addEventListener('click', () => send({ type: 'broadcast', message: $('message').value }, true));
    $('broadcast-cluster').addEventListener('click', () =>
      send({ type: 'broadcast', message: $('message').value, scope: 'cluster' }, true));
    $('pool-size').addEventListener('input', updatePoolButton);
    $('pool-form').addEventListener('submit', (event) => { event.preventDefault(); openPool(); });
    $('close-pool').addEventListener('click', closePool);
    $('clear-log').addEventListener('click', () => $('log').replaceChildren());
    updatePoolButton();
    connect();
  });
})();
