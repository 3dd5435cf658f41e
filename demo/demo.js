// @ts-check
/*
 * demo.js: the demo page's own code (the "third-party site"): reads the URL parameters, configures
 * and loads the simulated widgets (cxbus-sim.js, housekeeping-sim.js, callback-sim.js), runs the page's own analytics-like
 * subscriber, draws the control panel and the event log, and exposes the test API `window.demo`.
 * Plain classic script, no modules. Every entry point is wrapped so the page itself never throws.
 *
 * Page roles:
 *  - index.html (top page): control panel; loads the widgets here, or (iframe=1) in frame.html.
 *  - frame.html (iframe=1): the widgets, the page subscriber and window.demo live here; the top
 *    page's window.demo forwards into it.
 */
(function (win, doc) {
  'use strict';
  /** @type {any} */
  var W = win;

  // Built-ins captured at start: hostile() overwrites some globals for a moment.
  var jsonStringify = JSON.stringify;
  var jsonParse = JSON.parse;
  var setT = win.setTimeout.bind(win);
  var origPush = Array.prototype.push;
  var origPostMessage = win.postMessage;

  /** @type {any[]} */
  var pageErrors = [];
  /** @type {any[]} */
  var events = [];

  function append(/** @type {any[]} */ arr, /** @type {any} */ v) { arr[arr.length] = v; }
  function safe(/** @type {Function} */ fn) {
    return function () {
      try { return fn.apply(null, arguments); } catch (e) { try { win.console.error('[demo]', e); } catch (_) { /* ignore */ } }
    };
  }

  // ------------------------------------------------------------------ page errors
  win.addEventListener('error', function (ev) {
    try {
      append(pageErrors, { type: 'error', message: String(ev.message || (ev.error && ev.error.message) || 'error'), source: String(ev.filename || ''), line: ev.lineno || 0, time: Date.now() });
      updateStatus();
    } catch (_) { /* ignore */ }
  });
  win.addEventListener('unhandledrejection', function (ev) {
    try {
      var r = ev.reason;
      append(pageErrors, { type: 'unhandledrejection', message: String(r && r.message ? r.message : r), time: Date.now() });
      updateStatus();
    } catch (_) { /* ignore */ }
  });

  // ------------------------------------------------------------------ parameters
  var params = new URLSearchParams(win.location.search);
  var isFrame = doc.documentElement.getAttribute('data-demo-role') === 'frame';
  var iframeMode = !isFrame && params.get('iframe') === '1';
  var fast = params.get('speed') === 'fast';
  var cfg = {
    elapsed: params.get('elapsed') === 'documented' || params.get('elapsed') === 'wrong' ? String(params.get('elapsed')) : 'shipped',
    seconds: params.get('seconds') === '1',
    noclosed: params.get('noclosed') === '1',
    duplicate: params.get('duplicate') === '1',
    nosubmit: params.get('nosubmit') === '1',
    late: params.get('late') === '1',
    legacy: params.get('legacy') === '1',
    iframe: params.get('iframe') === '1',
    service: params.get('service') === 'fail' || params.get('service') === 'fail-once' ? String(params.get('service')) : 'ok',
    failstatus: failStatusParam(params.get('failstatus')),
    failures: Math.max(1, Math.min(10, Number(params.get('failures')) || 1)),
    // the housekeeping plugins (Watchman, WindowManager, ...) and the App's start-up traffic: a real
    // page has them, so they are on; noise=0 is only for unit-level tests that need a quiet bus
    noise: params.get('noise') !== '0',
    play: params.get('play') || '',
    speed: fast ? 'fast' : 'normal',
    debug: params.get('debug') === '1',
  };

  /** HTTP status of the demo's failing requests: 400, 429, 500 or 0 (network); default 500 */
  function failStatusParam(/** @type {string|null} */ v) {
    var n = v === null || v === '' ? 500 : Number(v);
    return n === 0 || n === 400 || n === 429 ? n : 500;
  }
  function rand(/** @type {number} */ a, /** @type {number} */ b) { return a + Math.floor(Math.random() * (b - a + 1)); }
  function sleep(/** @type {number} */ ms) { return new Promise(function (res) { setT(res, ms); }); }
  /** a realistic pause between two user steps */
  function pause() { return sleep(fast ? rand(5, 20) : rand(50, 300)); }

  // ------------------------------------------------------------------ DOM helpers
  /**
   * @param {string} tag
   * @param {Object<string, string>} [attrs]
   * @param {(Node|string)[]} [children]
   * @returns {HTMLElement}
   */
  function el(tag, attrs, children) {
    var e = doc.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, /** @type {string} */ (attrs[k]));
    if (children) for (var i = 0; i < children.length; i++) {
      var c = children[i];
      e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : /** @type {Node} */ (c));
    }
    return e;
  }
  function onBody(/** @type {() => void} */ fn) {
    if (doc.body) fn(); else doc.addEventListener('DOMContentLoaded', safe(fn));
  }

  var statusEl = el('div', { class: 'demo-status', 'data-testid': 'demo-status' });
  var logList = el('ol', { class: 'demo-log', 'data-testid': 'demo-log' });
  var LOG_MAX = 200;

  function modeText() {
    var on = /** @type {string[]} */ ([]);
    if (cfg.elapsed !== 'shipped') append(on, 'elapsed=' + cfg.elapsed);
    if (cfg.seconds) append(on, 'seconds');
    if (cfg.noclosed) append(on, 'noclosed');
    if (cfg.duplicate) append(on, 'duplicate');
    if (cfg.nosubmit) append(on, 'nosubmit');
    if (cfg.late) append(on, 'late');
    if (cfg.legacy) append(on, 'legacy 8.5');
    if (cfg.iframe) append(on, 'iframe');
    if (cfg.service !== 'ok' || cfg.play) append(on, 'failures: HTTP ' + cfg.failstatus);
    if (cfg.service !== 'ok') append(on, 'service=' + cfg.service);
    if (cfg.play) append(on, 'play=' + cfg.play);
    if (!cfg.noise) append(on, 'no housekeeping plugins');
    if (fast) append(on, 'fast');
    return on.length ? 'Faults: ' + on.join(', ') : 'Shipped 9.x behaviour (no faults)';
  }

  var widgetsState = 'not loaded';
  function updateStatus() {
    try {
      var frameDemo = iframeMode ? frameApi() : null;
      var errs = pageErrors.length + (frameDemo && frameDemo.pageErrors ? frameDemo.pageErrors.length : 0);
      var evs = frameDemo && frameDemo.events ? frameDemo.events.length : events.length;
      statusEl.textContent = modeText() + ' \u2022 widgets: ' + (iframeMode ? 'in iframe' : widgetsState) +
        ' \u2022 events seen by the page: ' + evs + ' \u2022 page errors: ' + errs;
      statusEl.classList.toggle('demo-status-error', errs > 0);
    } catch (_) { /* ignore */ }
  }

  // ------------------------------------------------------------------ the page's own subscriber
  /** JSON copy with bounds (the page keeps a copy of what it saw; hostile payloads stay small) */
  function copy(/** @type {any} */ v) {
    try {
      var s = jsonStringify(v, function (_k, x) {
        if (typeof x === 'string' && x.length > 1000) return x.slice(0, 1000) + '\u2026[' + x.length + ' chars]';
        if (Array.isArray(x) && x.length > 100) return x.slice(0, 100).concat(['\u2026[' + x.length + ' items]']);
        return x;
      });
      return s === undefined ? null : jsonParse(s);
    } catch (e) {
      return { uncopyable: String(e && /** @type {any} */ (e).name || 'Error') };
    }
  }

  /** @param {any} env */
  function record(env) {
    try {
      var entry = { time: env && env.time, publisher: env && env.publisher, event: env && env.event, data: copy(env && env.data) };
      append(events, entry);
      append(logQueue, entry);
      scheduleLog();
    } catch (_) { /* ignore */ }
  }

  /** @type {any[]} */
  var logQueue = [];
  var logScheduled = false;
  /** the log is drawn once per frame, so the subscriber itself stays cheap */
  function scheduleLog() {
    if (logScheduled) return;
    logScheduled = true;
    var flush = safe(function () {
      if (!logScheduled) return;
      logScheduled = false;
      var q = logQueue; logQueue = [];
      for (var i = 0; i < q.length; i++) addLogLine(q[i]);
      logList.scrollTop = logList.scrollHeight;
      updateStatus();
    });
    if (typeof win.requestAnimationFrame === 'function') win.requestAnimationFrame(flush);
    setT(flush, 200); // hidden tabs get no frames
  }

  var burstShown = 0;
  /** @param {any} entry */
  function addLogLine(entry) {
    var ev = String(entry.event);
    if (ev === 'DemoBurst.tick' || (entry.data && typeof entry.data.i === 'number' && /minimized$/.test(ev))) {
      // bursts: one line per burst, not thousands
      burstShown++;
      var last = logList.lastElementChild;
      if (last && last.getAttribute('data-burst') === '1') { last.textContent = fmtTime(entry.time) + '  burst events: ' + burstShown; return; }
      burstShown = 1;
      var li0 = el('li', { 'data-burst': '1' }, [fmtTime(entry.time) + '  burst events: 1']);
      logList.appendChild(li0);
      return;
    }
    var d = entry.data;
    var detail = '';
    if (d && typeof d === 'object' && 'opened' in d) {
      var parts = /** @type {string[]} */ ([]);
      var keys = ['opened', 'started', 'completed', 'cancelled', 'closed', 'elapsed'];
      for (var i = 0; i < keys.length; i++) { var k = /** @type {string} */ (keys[i]); if (d[k] !== false) append(parts, k + '=' + String(d[k])); }
      if (d.errors) append(parts, 'errors=' + jsonStringify(d.errors));
      if (d.autoSubmitted) append(parts, 'autoSubmitted');
      detail = parts.join(' ');
    } else if (d !== null && d !== undefined) {
      var s = '';
      try { s = jsonStringify(d) || ''; } catch (_) { s = '?'; }
      detail = s.length > 90 ? s.slice(0, 90) + '\u2026' : s;
    }
    var li = el('li', { class: /^Callback\./.test(ev) ? 'demo-ev-callback' : 'demo-ev-other' }, [
      el('span', { class: 'demo-log-time' }, [fmtTime(entry.time)]),
      el('span', { class: 'demo-log-event' }, [ev]),
      el('span', { class: 'demo-log-data' }, [detail]),
    ]);
    logList.appendChild(li);
    while (logList.childNodes.length > LOG_MAX && logList.firstChild) logList.removeChild(logList.firstChild);
  }
  function fmtTime(/** @type {any} */ t) {
    if (typeof t !== 'number') return '--:--:--.---';
    var d = new Date(t);
    function p(/** @type {number} */ n, /** @type {number} */ w) { var s = String(n); while (s.length < w) s = '0' + s; return s; }
    return p(d.getHours(), 2) + ':' + p(d.getMinutes(), 2) + ':' + p(d.getSeconds(), 2) + '.' + p(d.getMilliseconds(), 3);
  }

  var PAGE_EVENTS = [
    'App.ready',
    'Callback.ready', 'Callback.opened', 'Callback.started', 'Callback.submitted', 'Callback.completed',
    'Callback.cancelled', 'Callback.closed', 'Callback.minimized', 'Callback.unminimized',
    'CallbackService.ready', 'CallbackService.scheduled', 'CallbackService.scheduleError',
    'DemoBurst.tick',
  ];

  /** @type {any} */
  var pageBus = null;
  /** @type {Function[]} */
  var readyWaiters = [];
  function whenReady() {
    return new Promise(function (res) { if (pageBus) res(pageBus); else append(readyWaiters, res); });
  }

  /** the page's own onReady handler, set before the widgets load (as real sites do) */
  function onReady(/** @type {any} */ bus) {
    try {
      pageBus = bus;
      widgetsState = 'ready';
      for (var i = 0; i < PAGE_EVENTS.length; i++) bus.subscribe(PAGE_EVENTS[i], record);
      var w = readyWaiters; readyWaiters = [];
      for (var j = 0; j < w.length; j++) /** @type {Function} */ (w[j])(bus);
      updateStatus();
      var b = doc.querySelector('[data-testid="demo-launcher"]');
      if (b) /** @type {HTMLButtonElement} */ (b).disabled = false;
    } catch (e) { try { win.console.error('[demo] onReady', e); } catch (_) { /* ignore */ } }
  }

  function loadWidgets() {
    widgetsState = 'loading';
    updateStatus();
    var files = cfg.noise ? ['cxbus-sim.js', 'housekeeping-sim.js', 'callback-sim.js'] : ['cxbus-sim.js', 'callback-sim.js'];
    for (var i = 0; i < files.length; i++) {
      var s = /** @type {HTMLScriptElement} */ (doc.createElement('script'));
      s.src = /** @type {string} */ (files[i]);
      s.async = false; // keep the order: the bus first, then the plugins
      (doc.head || doc.documentElement).appendChild(s);
    }
  }

  // ------------------------------------------------------------------ test API (where the widgets run)
  function simHandle() { return W.__cxbusSim; }
  async function settle() {
    var sim = simHandle();
    if (!sim) return;
    for (var i = 0; i < 3; i++) {
      if (sim.callback) await sim.callback.idle();
      await sim.flushed();
    }
  }
  async function ui() {
    await whenReady();
    var sim = simHandle();
    return sim.callback.ui;
  }
  var FIELD_ALIASES = /** @type {Object<string, string>} */ ({
    firstname: 'firstname', lastname: 'lastname', phone: 'phone', phonenumber: 'phone', _customer_number: 'phone',
    subject: 'subject', desiredTime: 'desiredTime', _desired_time: 'desiredTime',
  });

  /** count of events named `name` the page has seen */
  function seen(/** @type {string[]} */ names) {
    var n = 0;
    for (var i = 0; i < events.length; i++) if (names.indexOf(events[i].event) >= 0) n++;
    return n;
  }
  async function waitSeen(/** @type {string[]} */ names, /** @type {number} */ before, /** @type {number} */ timeout) {
    var t0 = Date.now();
    while (seen(names) <= before) {
      if (Date.now() - t0 > timeout) throw new Error('scenario: timed out waiting for ' + names.join(' or '));
      await sleep(5);
    }
    await settle();
  }
  var SERVICE_DONE = ['CallbackService.scheduled', 'CallbackService.scheduleError'];

  var DEFAULT_FORM = { firstname: 'Ada', lastname: 'Lovelace', phonenumber: '+44 20 7946 0000', subject: 'Billing question' };

  var api = {
    version: '',
    /** with ?play=<scenario>: resolves true once it was played (false if it failed) */
    played: /** @type {Promise<boolean>|null} */ (null),
    events: events,
    pageErrors: pageErrors,
    config: cfg,
    whenReady: function () { return whenReady().then(function () { return undefined; }); },
    /** Callback.open through the bus (like a page's own launcher button) */
    /** @param {any} [opts] */
    open: async function (opts) {
      var bus = await whenReady();
      var d = bus.command('Callback.open', opts === undefined ? {} : opts);
      await new Promise(function (res) { d.always(res); });
      await settle();
    },
    /** type into a widget field like a user: firstname|lastname|phone|subject|desiredTime */
    type: async function (/** @type {string} */ fieldName, /** @type {string} */ value) {
      var u = await ui();
      var input = u.inputs[FIELD_ALIASES[fieldName] || fieldName];
      if (!input) throw new Error('Unknown field: ' + fieldName);
      input.value = String(value);
      input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
      await settle();
    },
    submit: async function () { var u = await ui(); u.submit.click(); await settle(); },
    /** the X button (shows the overlay once the user typed) */
    close: async function () { var u = await ui(); u.close.click(); await settle(); },
    confirmClose: async function () { var u = await ui(); u.confirmYes.click(); await settle(); },
    minimize: async function () { await whenReady(); await simHandle().callback.minimize(); await settle(); },
    restore: async function () { await whenReady(); await simHandle().callback.restore(); await settle(); },
    /** Callback.open({form: {autoSubmit: true, ...}}) */
    /** @param {any} [form] */
    autoSubmit: async function (form) {
      var f = Object.assign({ autoSubmit: true }, DEFAULT_FORM, form || {});
      f.autoSubmit = true;
      await api.open({ form: f });
    },
    /** the Callback.close command (refused with "User must confirm close" once the user typed) */
    closeCommand: async function () {
      var bus = await whenReady();
      var result = await new Promise(function (res) {
        bus.command('Callback.close', {}).done(function () { res({ ok: true }); }).fail(function (/** @type {any} */ e) { res({ ok: false, error: String(e) }); });
      });
      await settle();
      return result;
    },
    /**
     * @param {string} name
     * @param {{status?: number, failures?: number}} [opts] fail-retry / fail-cancel: the HTTP status
     *   of the failures (default failstatus=, else 500) and how many submits fail (default 1)
     */
    scenario: async function (name, opts) {
      await whenReady();
      await ensureClosed();
      var fn = SCENARIOS[name];
      if (!fn) throw new Error('Unknown scenario: ' + name + ' (known: ' + Object.keys(SCENARIOS).join(', ') + ')');
      await fn(opts || {});
      await settle();
    },
    /**
     * the next n schedule requests fail with this HTTP status (400 with code 7030, 429, 500, 0 = network)
     * @param {number} [status]
     * @param {number} [n]
     */
    failNext: async function (status, n) {
      await whenReady();
      simHandle().callback.service.failNext(n === undefined ? 1 : n, status === undefined ? cfg.failstatus : status);
    },
    /** how many events were published on the bus so far, every plugin included (what a capture should hold) */
    published: function () { var sim = simHandle(); return sim ? sim.published() : 0; },
    scenarios: function () { return Object.keys(SCENARIOS); },
    /** publish n events fast through the real bus: kind 'callback' alternates Callback.minimized/unminimized {i}, 'plugin' uses DemoBurst.tick {i} */
    /** @param {number} n @param {string} [kind] */
    burst: async function (n, kind) {
      await whenReady();
      var sim = simHandle();
      var count = Math.max(0, Math.floor(Number(n) || 0));
      if (kind === 'plugin') {
        if (!burstPlugin) { burstPlugin = pageBus.registerPlugin('DemoBurst'); if (burstPlugin) burstPlugin.registerEvents(['tick']); }
        for (var i = 0; i < count; i++) burstPlugin.publish('tick', { i: i });
      } else {
        for (var j = 0; j < count; j++) sim.publishAs('Callback', j % 2 === 0 ? 'minimized' : 'unminimized', { i: j });
      }
      await settle();
    },
    hostile: async function () { await whenReady(); await hostile(); },
    /** names of the functions subscribed to an event on the bus (a debugging extension's handler shows up here) */
    /** @param {string} event */
    subscribers: function (event) { return simHandle().subscriberNames(String(event)); },
  };
  /** @type {any} */
  var burstPlugin = null;

  async function ensureClosed() {
    var sim = simHandle();
    await settle();
    var s = sim.callback.state();
    if (!s.open) return;
    if (s.minimized) await api.restore();
    await api.close();
    if (sim.callback.state().open) await api.confirmClose();
    await settle();
  }

  async function fillForm(/** @type {string} */ phone) {
    await api.type('firstname', 'Ada'); await pause();
    await api.type('lastname', 'Lovelace'); await pause();
    await api.type('phone', phone); await pause();
    await api.type('subject', 'Billing question'); await pause();
  }

  /** Runs a submit (or auto-submit) and waits until the service answered, success or failure. */
  async function submitAndWait(/** @type {() => Promise<unknown>} */ submit) {
    var before = seen(SERVICE_DONE);
    await submit();
    await waitSeen(SERVICE_DONE, before, 10000); await pause();
  }

  /** Closes the window; confirms the "Are you sure?" overlay when the close was refused. */
  async function closeConfirmingIfOpen() {
    await api.close();
    if (simHandle().callback.state().open) { await pause(); await api.confirmClose(); }
  }

  /**
   * A submit that fails `failures` times (each time the user submits again), then:
   * retry: the next submit succeeds; cancel: the user closes the window.
   * A refusal (400, code 7030) is the phone number: the user types a valid one before resubmitting.
   * @param {{status?: number, failures?: number}} opts
   * @param {boolean} retry
   */
  async function failThen(opts, retry) {
    var status = opts.status === undefined ? cfg.failstatus : opts.status;
    var failures = Math.max(1, opts.failures === undefined ? cfg.failures : opts.failures | 0);
    simHandle().callback.service.failNext(failures, status);
    await api.open(); await pause();
    await fillForm(status === 400 ? '+1 555 0100' : '+44 20 7946 0000');
    for (var i = 0; i < failures; i++) await submitAndWait(api.submit); // each one fails
    if (retry) {
      if (status === 400) { await api.type('phone', '+44 20 7946 0000'); await pause(); }
      await submitAndWait(api.submit);
      await closeConfirmingIfOpen();
    } else {
      await api.close(); await pause();
      await api.confirmClose();
    }
  }

  /** @type {Object<string, (opts: {status?: number, failures?: number}) => Promise<void>>} */
  var SCENARIOS = {
    'abandon-untouched': async function () {
      await api.open(); await pause();
      await api.close();
    },
    'abandon-typed': async function () {
      await api.open(); await pause();
      await api.type('firstname', 'Ada'); await pause();
      await api.close(); await pause();
      await api.confirmClose();
    },
    'complete': async function () {
      await api.open(); await pause();
      await fillForm('+44 20 7946 0000');
      await submitAndWait(api.submit);
      await closeConfirmingIfOpen(); // confirms when the service failed
    },
    'autosubmit': async function () {
      await submitAndWait(api.autoSubmit);
      await closeConfirmingIfOpen();
    },
    'fail-retry': function (opts) { return failThen(opts || {}, true); },
    'fail-cancel': function (opts) { return failThen(opts || {}, false); },
    'two-in-a-row': async function () {
      await /** @type {Function} */ (SCENARIOS['complete'])({}); await pause();
      await /** @type {Function} */ (SCENARIOS['abandon-untouched'])({});
    },
    'minimize': async function () {
      await api.open(); await pause();
      await api.type('firstname', 'Ada'); await pause();
      await api.minimize(); await pause();
      await api.restore(); await pause();
      await api.close(); await pause();
      await api.confirmClose();
    },
    'all': async function () {
      var names = ['abandon-untouched', 'abandon-typed', 'complete', 'autosubmit', 'fail-retry', 'fail-cancel', 'two-in-a-row', 'minimize'];
      for (var i = 0; i < names.length; i++) {
        await ensureClosed();
        await /** @type {Function} */ (SCENARIOS[/** @type {string} */ (names[i])])({});
        await settle(); await pause();
      }
    },
  };

  // ------------------------------------------------------------------ hostile mode
  var HOOK_SOURCE = 'cxbus-devtools:hook';
  async function hostile() {
    var sim = simHandle();
    // 1. spoofed hook messages and garbage, from this window
    /** @type {any[]} */
    var spoofs = [
      { source: HOOK_SOURCE, v: 1, type: 'connect' },
      { source: HOOK_SOURCE, v: 1, type: 'entry', entry: { seq: 0, kind: 'event', time: Date.now(), publisher: 'Callback', event: 'Callback.completed', data: { completed: 1, spoofed: true } } },
      { source: HOOK_SOURCE, v: 1, type: 'entry', entry: 'not an object' },
      { source: HOOK_SOURCE, v: 999, type: 'entry', entry: {} },
      { source: HOOK_SOURCE },
      { source: HOOK_SOURCE, v: 1, type: 'entry', entry: { seq: -1, kind: 'event', time: 'x', event: 42, data: 'x'.repeat(100000) } },
      HOOK_SOURCE, null, 42, 'garbage', [1, 2, 3], { type: 'connect' }, { source: 'another-extension', v: 1 },
    ];
    for (var i = 0; i < spoofs.length; i++) {
      try { win.postMessage(spoofs[i], '*'); } catch (_) { /* ignore */ }
    }
    try { win.postMessage({ source: HOOK_SOURCE, v: 1, type: 'entry', fn: function () { } }, '*'); } catch (_) { /* DataCloneError, expected */ }

    // 2. a spoof from a child iframe (same origin)
    await new Promise(function (res) {
      try {
        var f = /** @type {HTMLIFrameElement} */ (doc.createElement('iframe'));
        f.setAttribute('data-testid', 'demo-hostile-frame');
        f.style.display = 'none';
        f.srcdoc = '<script>try{parent.postMessage({source:"' + HOOK_SOURCE + '",v:1,type:"connect"},"*");' +
          'parent.postMessage({source:"' + HOOK_SOURCE + '",v:1,type:"entry",entry:{seq:0,kind:"event",time:Date.now(),publisher:"Callback",event:"Callback.opened",data:{opened:1}}},"*");}catch(e){}<\/script>';
        var finish = function () { setT(function () { try { f.remove(); } catch (_) { /* ignore */ } res(undefined); }, 50); };
        f.addEventListener('load', finish);
        setT(finish, 2000);
        (doc.body || doc.documentElement).appendChild(f);
      } catch (_) { res(undefined); }
    });

    // 3. Callback events with hostile data, through the real bus
    /** @type {any} */
    var getterThrows = {};
    Object.defineProperty(getterThrows, 'opened', { enumerable: true, get: function () { throw new Error('hostile getter'); } });
    /** @type {any} */
    var cycle = { opened: 1 }; cycle.self = cycle;
    var proxy = new Proxy({}, {
      ownKeys: function () { throw new Error('hostile ownKeys'); },
      getOwnPropertyDescriptor: function () { throw new Error('hostile descriptor'); },
      get: function () { throw new Error('hostile get'); },
    });
    /** @type {any} */
    var symbolKeyed = { opened: 1 }; symbolKeyed[Symbol('hostile')] = 'symbol value';
    var bigArray = new Array(100000);
    for (var j = 0; j < bigArray.length; j++) bigArray[j] = j;
    var protoKeys = jsonParse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"opened":1}');
    var payloads = [
      getterThrows,
      cycle,
      { opened: 1, fn: function hostileFunction() { return 1; } },
      { opened: 1, node: doc.body },
      proxy,
      { opened: 1, big: BigInt(10) },
      symbolKeyed,
      { opened: 1, huge: 'x'.repeat(10 * 1024 * 1024) },
      { opened: 1, list: bigArray },
      protoKeys,
      Object.freeze({ opened: 1, frozen: true, form: Object.freeze({ firstname: 'Ice' }) }),
    ];
    var names = ['opened', 'started', 'submitted', 'completed', 'cancelled', 'closed', 'minimized', 'unminimized'];
    for (var k = 0; k < payloads.length; k++) {
      sim.publishAs('Callback', names[k % names.length], payloads[k]);
    }

    // 4. right after publishing (handlers not run yet): break the globals a naive hook relies on
    var saved = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push, postMessage: win.postMessage };
    try {
      JSON.stringify = function () { throw new Error('hostile JSON.stringify'); };
      JSON.parse = function () { throw new Error('hostile JSON.parse'); };
      // eslint-disable-next-line no-extend-native
      Array.prototype.push = function () { throw new Error('hostile Array.prototype.push'); };
      W.postMessage = function () { throw new Error('hostile postMessage'); };
      await sim.flushed();
      await new Promise(function (res) { setT(res, 50); });
    } finally {
      JSON.stringify = saved.stringify;
      JSON.parse = saved.parse;
      // eslint-disable-next-line no-extend-native
      Array.prototype.push = origPush || saved.push;
      W.postMessage = origPostMessage || saved.postMessage;
    }
    await settle();
  }

  // ------------------------------------------------------------------ control panel (top page)
  var SWITCHES = [
    { key: 'seconds', label: 'timestamps in seconds', value: '1' },
    { key: 'noclosed', label: 'missing closed', value: '1' },
    { key: 'duplicate', label: 'duplicated opened', value: '1' },
    { key: 'nosubmit', label: 'completed without submitted', value: '1' },
    { key: 'late', label: 'widgets load 2 s late', value: '1' },
    { key: 'legacy', label: 'legacy 8.5 bus (_genesys.cxwidget)', value: '1' },
    { key: 'iframe', label: 'widgets inside an iframe', value: '1' },
    { key: 'speed', label: 'fast scenarios', value: 'fast' },
  ];
  function reloadWith(/** @type {string} */ key, /** @type {string|null} */ value) {
    var p = new URLSearchParams(win.location.search);
    if (value === null) p.delete(key); else p.set(key, value);
    var q = p.toString();
    win.location.search = q ? '?' + q : '';
  }

  /** @type {HTMLButtonElement[]} */
  var actionButtons = [];
  /**
   * @param {string} label
   * @param {string} testid
   * @param {() => Promise<any>} action
   * @param {string} [cls]
   */
  function button(label, testid, action, cls) {
    var b = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', class: 'demo-btn' + (cls ? ' ' + cls : ''), 'data-testid': testid }, [label]));
    b.addEventListener('click', function () {
      b.classList.add('demo-busy');
      Promise.resolve().then(action).catch(function (e) { try { win.console.warn('[demo]', e); } catch (_) { /* ignore */ } })
        .then(function () { b.classList.remove('demo-busy'); updateStatus(); });
    });
    append(actionButtons, b);
    return b;
  }

  function buildPanel() {
    var target = W.demo;
    var header = el('header', { class: 'demo-header' }, [
      el('h1', {}, ['cxbus-devtools demo \u2014 simulated Genesys Widgets ' + (cfg.legacy ? '8.5.006.07 (legacy bus)' : '9.0.018.07')]),
      el('p', { class: 'demo-sub' }, ['A third-party page with a simulated CXBus and a Callback widget. Open the cxbus-devtools panel, then play a scenario.']),
    ]);
    var scen = el('div', { class: 'demo-buttons' });
    var names = ['abandon-untouched', 'abandon-typed', 'complete', 'autosubmit', 'fail-retry', 'fail-cancel', 'two-in-a-row', 'minimize', 'all'];
    for (var i = 0; i < names.length; i++) {
      (function (n) { scen.appendChild(button(n, 'scenario-' + n, function () { return W.demo.scenario(n); }, n === 'all' ? 'demo-primary' : '')); })(/** @type {string} */ (names[i]));
    }
    var manual = el('div', { class: 'demo-buttons' }, [
      button('Open', 'btn-open', function () { return target.open(); }),
      button('Open with form', 'btn-open-form', function () { return target.open({ form: DEFAULT_FORM }); }),
      button('Auto-submit', 'btn-autosubmit', function () { return target.autoSubmit(); }),
      button('Close command', 'btn-close-command', function () { return target.closeCommand(); }),
      button('Minimize', 'btn-minimize', function () { return target.minimize(); }),
      button('Restore', 'btn-restore', function () { return target.restore(); }),
      button('Next submit: HTTP 400', 'btn-fail-400', function () { return target.failNext(400); }),
      button('HTTP 429', 'btn-fail-429', function () { return target.failNext(429); }),
      button('HTTP 500', 'btn-fail-500', function () { return target.failNext(500); }),
      button('network error', 'btn-fail-0', function () { return target.failNext(0); }),
      button('Burst 1000', 'btn-burst', function () { return target.burst(1000); }),
      button('Hostile page', 'btn-hostile', function () { return target.hostile(); }, 'demo-danger'),
    ]);
    var switches = el('div', { class: 'demo-switches' });
    var elapsedSel = /** @type {HTMLSelectElement} */ (el('select', { 'data-testid': 'switch-elapsed' }, [
      el('option', { value: 'shipped' }, ['shipped 9.x formula']),
      el('option', { value: 'documented' }, ['documented formula']),
      el('option', { value: 'wrong' }, ['wrong (+12345)']),
    ]));
    elapsedSel.value = cfg.elapsed;
    elapsedSel.addEventListener('change', function () { reloadWith('elapsed', elapsedSel.value === 'shipped' ? null : elapsedSel.value); });
    switches.appendChild(el('label', { class: 'demo-switch' }, ['elapsed: ', elapsedSel]));
    var serviceSel = /** @type {HTMLSelectElement} */ (el('select', { 'data-testid': 'switch-service' }, [
      el('option', { value: 'ok' }, ['succeeds']),
      el('option', { value: 'fail' }, ['fails always']),
      el('option', { value: 'fail-once' }, ['fails the first time']),
    ]));
    serviceSel.value = cfg.service;
    serviceSel.addEventListener('change', function () { reloadWith('service', serviceSel.value === 'ok' ? null : serviceSel.value); });
    switches.appendChild(el('label', { class: 'demo-switch' }, ['CallbackService: ', serviceSel]));
    var statusSel = /** @type {HTMLSelectElement} */ (el('select', { 'data-testid': 'switch-failstatus' }, [
      el('option', { value: '500' }, ['HTTP 500']),
      el('option', { value: '400' }, ['HTTP 400, code 7030']),
      el('option', { value: '429' }, ['HTTP 429']),
      el('option', { value: '0' }, ['network error (status 0)']),
    ]));
    statusSel.value = String(cfg.failstatus);
    statusSel.addEventListener('change', function () { reloadWith('failstatus', statusSel.value === '500' ? null : statusSel.value); });
    switches.appendChild(el('label', { class: 'demo-switch' }, ['failures: ', statusSel]));
    for (var s = 0; s < SWITCHES.length; s++) {
      (function (sw) {
        var cb = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', 'data-testid': 'switch-' + sw.key }));
        cb.checked = params.get(sw.key) === sw.value;
        cb.addEventListener('change', function () { reloadWith(sw.key, cb.checked ? sw.value : null); });
        switches.appendChild(el('label', { class: 'demo-switch' }, [cb, ' ' + sw.label + ' ', el('code', {}, [sw.key + '=' + sw.value])]));
      })(/** @type {{key: string, label: string, value: string}} */ (SWITCHES[s]));
    }
    var reset = el('a', { href: win.location.pathname, class: 'demo-reset', 'data-testid': 'switch-reset' }, ['reset all switches']);
    var panel = el('section', { class: 'demo-panel', 'aria-label': 'Control panel' }, [
      el('h2', {}, ['Scenarios']), scen,
      el('h2', {}, ['Manual']), manual,
      el('h2', {}, ['Fault switches ', el('small', {}, ['(reload the page with URL parameters)'])]), switches, reset,
    ]);
    var main = el('main', { class: 'demo-main' });
    main.appendChild(panel);
    var side = el('section', { class: 'demo-side' });
    side.appendChild(statusEl);
    if (iframeMode) {
      var q = new URLSearchParams(win.location.search); q.delete('iframe');
      var qs = q.toString();
      var frame = el('iframe', { src: 'frame.html' + (qs ? '?' + qs : ''), class: 'demo-frame', title: 'Widgets frame', 'data-testid': 'demo-frame' });
      side.appendChild(el('h2', {}, ['Widgets iframe (frame.html)']));
      side.appendChild(frame);
    } else {
      side.appendChild(el('h2', {}, ['Events seen by the page\u2019s own subscriber']));
      side.appendChild(logList);
    }
    main.appendChild(side);
    doc.body.appendChild(header);
    doc.body.appendChild(main);
    if (!iframeMode) {
      var launcher = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', class: 'demo-launcher', 'data-testid': 'demo-launcher' }, ['\u260e Request a call']));
      launcher.disabled = !pageBus;
      launcher.addEventListener('click', function () { W.demo.open().catch(function () { /* ignore */ }); });
      doc.body.appendChild(launcher);
    }
    updateStatus();
  }

  function buildFrameView() {
    doc.body.appendChild(el('div', { class: 'demo-frame-view' }, [
      statusEl,
      el('h2', {}, ['Events seen by the page\u2019s own subscriber (inside the iframe)']),
      logList,
    ]));
    updateStatus();
  }

  // ------------------------------------------------------------------ top page in iframe mode: forward
  function frameApi() {
    try {
      var f = /** @type {HTMLIFrameElement|null} */ (doc.querySelector('iframe.demo-frame'));
      var w = f && /** @type {any} */ (f.contentWindow);
      return w && w.demo ? w.demo : null;
    } catch (_) { return null; }
  }
  async function waitFrameApi() {
    var t0 = Date.now();
    while (!frameApi()) {
      if (Date.now() - t0 > 15000) throw new Error('the widgets iframe did not come up');
      await sleep(20);
    }
    return frameApi();
  }
  function makeForwarder() {
    /** @type {any} */
    var fwd = { config: cfg, frame: true };
    var methods = ['whenReady', 'open', 'type', 'submit', 'close', 'confirmClose', 'minimize', 'restore', 'autoSubmit', 'closeCommand', 'scenario', 'burst', 'hostile', 'scenarios', 'failNext', 'published'];
    for (var i = 0; i < methods.length; i++) {
      (function (m) {
        fwd[m] = async function () {
          var inner = await waitFrameApi();
          var r = await inner[m].apply(inner, arguments);
          updateStatus();
          return r;
        };
      })(/** @type {string} */ (methods[i]));
    }
    Object.defineProperty(fwd, 'events', { enumerable: true, get: function () { var a = frameApi(); return a ? a.events : []; } });
    Object.defineProperty(fwd, 'pageErrors', { enumerable: true, get: function () { var a = frameApi(); return pageErrors.concat(a ? a.pageErrors : []); } });
    Object.defineProperty(fwd, 'topPageErrors', { enumerable: true, value: pageErrors });
    return fwd;
  }

  // ------------------------------------------------------------------ start
  try {
    if (iframeMode) {
      W.demo = makeForwarder();
      onBody(buildPanel);
      setInterval(updateStatus, 1000);
    } else {
      W.cxbusDemoConfig = cfg;
      // the page's widgets configuration, set before the widgets load (as on a real site)
      var g = W._genesys = W._genesys || {};
      var rootName = cfg.legacy ? 'cxwidget' : 'widgets';
      var root = g[rootName] = g[rootName] || {};
      root.main = root.main || { debug: cfg.debug, theme: 'light', lang: 'en' };
      root.callback = root.callback || { dataURL: '/genesys/1/service/callback/demo', userData: {} };
      root.onReady = onReady;
      W.demo = api;
      onBody(isFrame ? buildFrameView : buildPanel);
      if (cfg.play) {
        // ?play=<scenario>: the page plays it once the widgets are ready (api.played tells when done)
        api.played = whenReady().then(function () { return api.scenario(cfg.play); }).then(function () { return true; }, function (/** @type {any} */ e) {
          try { win.console.warn('[demo] play', e); } catch (_) { /* ignore */ }
          return false;
        });
      }
      if (cfg.late) {
        var go = function () { widgetsState = 'waiting (late=1)'; updateStatus(); setT(safe(loadWidgets), 2000); };
        if (doc.readyState === 'complete') go(); else win.addEventListener('load', safe(go));
      } else {
        loadWidgets();
      }
    }
  } catch (e) {
    try { win.console.error('[demo] start failed', e); } catch (_) { /* ignore */ }
  }
  // the version the simulation exposes (see README): _genesys.widgets.version / CXBus.version
  api.version = cfg.legacy ? '8.5.006.07' : '9.0.018.07';
})(window, document);
