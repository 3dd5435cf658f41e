// @ts-check
/*
 * callback-sim.js: the demo's Callback plugin, its CallbackService stub and the widget UI, on the
 * simulated bus of cxbus-sim.js. Written from ../shared/SPEC.md §2-3 (not copied from any Genesys
 * file). Plain classic script. Behaves like shipped 9.0.018.07 by default:
 *  - metadata starts all false; the `data` of every lifecycle event IS the live metadata object;
 *  - started when the user first types (and 0-1 ms after opened when open() had a form object);
 *  - submitted with `form` (service field names), form replaced on each submit;
 *  - CallbackService is loaded on first use: its ready comes after the first Callback.submitted;
 *  - a failed request publishes only CallbackService.scheduleError (the jqXHR-like response:
 *    400 with code 7030, 429, 500, or a network failure with status 0) and pushes a localised
 *    message onto the ONE shared `errors` array; no Callback event;
 *  - the window registers with WindowManager while it is open (added/removed.Callback#<guid>) and
 *    asks the App to theme it (App.reTheme), as a real widget's window does;
 *  - cancelled and closed back to back; after closed the metadata is reset (a new object);
 *  - elapsed = (closed || now) - opened, "now" read 0-3 ms before publish; own timestamps a few ms
 *    before publish;
 *  - auto-submit: submitted (opened false, elapsed = absolute now) before opened, then started.
 * Faults come from window.cxbusDemoConfig (set by demo.js from the URL parameters).
 */
(function (win, doc) {
  'use strict';
  /** @type {any} */
  var W = win;
  var sim = W.__cxbusSim;
  if (!sim || sim.callback) return;

  try {
    install();
  } catch (e) {
    try { win.console.error('[callback-sim] failed to start', e); } catch (_) { /* ignore */ }
  }

  function install() {
    /** @type {{elapsed?: string, seconds?: boolean, noclosed?: boolean, duplicate?: boolean, nosubmit?: boolean, service?: string, failstatus?: number, speed?: string}} */
    var cfg = sim.config || {};
    var fast = cfg.speed === 'fast';
    var setT = win.setTimeout.bind(win);

    var ERR_PHONE = 'Please enter a valid phone number.';
    var ERR_UNKNOWN = 'unknown';
    var PHONE_CODE = 7030;

    /**
     * The jqXHR-like object a failed schedule request gives (SPEC.md §2), by HTTP status.
     * @param {number} status 400 (refused, with the service's code), 429, 500, or 0 (network)
     */
    function failedResponse(status) {
      if (status === 0) return { readyState: 0, status: 0, statusText: 'error', responseText: '' };
      if (status === 429) return { readyState: 4, status: 429, statusText: 'Too Many Requests', responseText: 'Too Many Requests' };
      var body = status === 400
        ? { code: PHONE_CODE, message: 'Callback parameter _customer_number is not a valid phone number' }
        : { message: 'Internal Server Error' };
      return { readyState: 4, status: status === 400 ? 400 : 500, statusText: status === 400 ? 'Bad Request' : 'Internal Server Error', responseText: JSON.stringify(body), responseJSON: body };
    }
    /** the status of the failures the switches ask for (failstatus=, default 500) */
    var defaultFailStatus = cfg.failstatus === 0 || cfg.failstatus === 400 || cfg.failstatus === 429 ? cfg.failstatus : 500;

    // ------------------------------------------------------------ timing helpers
    /** @type {Function[]} */
    var hopQueue = [];
    /** @type {MessagePort|null} */
    var hopPort = null;
    try {
      if (typeof MessageChannel === 'function') {
        var mc = new MessageChannel();
        mc.port1.onmessage = function () { var f = hopQueue.shift(); if (f) f(); };
        hopPort = mc.port2;
      }
    } catch (_) { hopPort = null; }

    /** a macrotask that is not a timer (resets the timer nesting level, so 0-ms timers stay 0-1 ms) */
    function hop() {
      return new Promise(function (res) {
        if (!hopPort) { setT(res, 0); return; }
        hopQueue[hopQueue.length] = res;
        hopPort.postMessage(0);
      });
    }
    /** resolves after the next frame was painted (the window "appeared") */
    function afterPaint() {
      return new Promise(function (res) {
        var done = false;
        var finish = function () { if (!done) { done = true; res(undefined); } };
        try { if (typeof win.requestAnimationFrame === 'function') win.requestAnimationFrame(function () { setT(finish, 0); }); } catch (_) { /* ignore */ }
        setT(finish, 50); // hidden tabs get no frames
      }).then(hop);
    }
    function sleep(/** @type {number} */ ms) {
      return new Promise(function (res) { setT(res, ms); }).then(hop);
    }
    function rand(/** @type {number} */ a, /** @type {number} */ b) { return a + Math.floor(Math.random() * (b - a + 1)); }
    /** a metadata timestamp: ms, or seconds with the seconds=1 fault */
    function unit(/** @type {number} */ ms) { return cfg.seconds ? Math.floor(ms / 1000) : ms; }
    function ts() { return unit(Date.now()); }
    /** wait until every bus handler of the events published so far has run */
    function flushed() { return sim.flushed().then(hop); }

    // ------------------------------------------------------------ metadata
    function fresh() {
      return {
        proactive: false, prefilled: false, autoSubmitted: false, errors: /** @type {false|string[]} */ (false),
        form: /** @type {Object<string, string>} */ ({}), opened: /** @type {number|false} */ (false),
        started: /** @type {number|false} */ (false), cancelled: /** @type {number|false} */ (false),
        completed: /** @type {number|false} */ (false), closed: /** @type {number|false} */ (false), elapsed: 0,
      };
    }
    var meta = fresh();
    var lastStampMs = 0;

    /** @param {number} nowValue */
    function elapsedFor(nowValue) {
      if (cfg.elapsed === 'documented') {
        var end = meta.completed || meta.cancelled;
        return end && meta.started ? end - meta.started : 0;
      }
      // shipped 9.x: (closed || now) - opened; while opened is false this is `now - false`, i.e. now
      var v = (meta.closed || nowValue) - (meta.opened || 0);
      if (cfg.elapsed === 'wrong') v += 12345;
      return v;
    }

    /** @type {any} */
    var cb = null; // the Callback plugin interface
    /** @type {any} */
    var svc = null; // the CallbackService plugin interface

    /**
     * Publish a lifecycle event with the live metadata object, stamping its own field first.
     * Timing as seen in 9.0.018.07: the event's own timestamp lies 0-6 ms before the publish (never
     * before `notBefore`, the moment the action began); the "now" used for elapsed is read 0-2 ms
     * before the publish. Stamped synchronously right before the publish, so timer delays of a busy
     * page cannot stretch these gaps.
     * @param {string} name
     * @param {'opened'|'started'|'cancelled'|'completed'|'closed'|null} field
     * @param {number} [notBefore] ms
     */
    async function publishMeta(name, field, notBefore) {
      var t = Date.now();
      var stampMs = t;
      if (field) {
        stampMs = Math.min(t, Math.max(notBefore || 0, t - rand(0, 6)));
        meta[field] = unit(stampMs);
        lastStampMs = stampMs;
      }
      // "now" is read after every timestamp of the interaction was set, so elapsed is never negative.
      var nowMs = Math.max(field ? stampMs : 0, lastStampMs, t - rand(0, 2));
      meta.elapsed = elapsedFor(unit(nowMs));
      cb.publish(name, meta);
      if (name === 'opened' && cfg.duplicate) cb.publish(name, meta);
      await flushed(); // handlers read the live object: change nothing until they ran
    }

    /** started set 0-1 ms after opened when open() had a form object (shipped 9.x) */
    function startedAfterOpened() {
      var o = /** @type {number} */ (meta.opened);
      var startedMs = cfg.seconds ? o * 1000 : Math.min(o + rand(0, 1), Date.now());
      meta.started = unit(startedMs);
      lastStampMs = startedMs;
    }

    // ------------------------------------------------------------ operation queue
    var chain = Promise.resolve();
    var queued = 0;
    /** @type {Function[]} */
    var idleWaiters = [];
    /**
     * Run widget operations one after another (clicks, typing, commands, service answers).
     * @param {() => Promise<any>|any} fn
     */
    function enqueue(fn) {
      queued++;
      var p = chain.then(function () { return fn(); });
      chain = p.then(done, function (e) { done(); try { win.console.error('[callback-sim]', e); } catch (_) { /* ignore */ } });
      return p;
    }
    function done() {
      queued--;
      if (queued === 0 && idleWaiters.length) {
        var w = idleWaiters; idleWaiters = [];
        for (var i = 0; i < w.length; i++) /** @type {Function} */ (w[i])();
      }
    }
    function idle() {
      return new Promise(function (res) { if (queued === 0) res(undefined); else idleWaiters[idleWaiters.length] = res; });
    }

    // ------------------------------------------------------------ widget state
    var st = {
      open: false,
      phase: 'closed', // closed | form | submitting | completed
      minimized: false,
      overlay: false,
      startedPending: false,
      interaction: 0,
      submits: 0,
    };

    // ------------------------------------------------------------ UI (DOM API, textContent only)
    /**
     * @param {string} tag
     * @param {Object<string, string>} [attrs]
     * @param {(Node|string)[]} [children]
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

    /** @type {Object<string, HTMLInputElement|HTMLSelectElement>} */
    var inputs = {};
    function field(/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ type, /** @type {string} */ placeholder) {
      var id = 'cx-cb-' + name;
      var input;
      if (type === 'select') {
        input = /** @type {HTMLSelectElement} */ (el('select', { id: id, name: name, 'data-testid': 'cx-' + name }));
        var opts = [['asap', 'As soon as possible'], ['30', 'In 30 minutes'], ['60', 'In 1 hour'], ['120', 'In 2 hours']];
        for (var i = 0; i < opts.length; i++) {
          var o = /** @type {string[]} */ (opts[i]);
          input.appendChild(el('option', { value: /** @type {string} */ (o[0]) }, [/** @type {string} */ (o[1])]));
        }
        input.addEventListener('change', onUserInput);
      } else {
        input = /** @type {HTMLInputElement} */ (el('input', { id: id, name: name, type: type, placeholder: placeholder, autocomplete: 'off', 'data-testid': 'cx-' + name }));
        input.addEventListener('input', onUserInput);
      }
      inputs[name] = input;
      return el('div', { class: 'cx-field' }, [el('label', { for: id }, [label]), input]);
    }

    var root = el('div', { class: 'cx-widget', role: 'dialog', 'aria-label': 'Receive a Call', 'data-testid': 'cx-callback', hidden: '' });
    var btnMin = el('button', { type: 'button', class: 'cx-btn-icon', 'aria-label': 'Minimize', title: 'Minimize', 'data-testid': 'cx-minimize' }, ['\u2013']);
    var btnClose = el('button', { type: 'button', class: 'cx-btn-icon', 'aria-label': 'Close', title: 'Close', 'data-testid': 'cx-close' }, ['\u00d7']);
    var title = el('div', { class: 'cx-titlebar', 'data-testid': 'cx-titlebar' }, [
      el('span', { class: 'cx-title' }, ['Receive a Call']), el('span', { class: 'cx-spacer' }), btnMin, btnClose,
    ]);
    var errorBox = el('div', { class: 'cx-error', role: 'alert', 'data-testid': 'cx-error' });
    var btnSubmit = /** @type {HTMLButtonElement} */ (el('button', { type: 'submit', class: 'cx-btn cx-primary', 'data-testid': 'cx-submit' }, ['Submit']));
    var form = el('form', { class: 'cx-form', novalidate: '' }, [
      el('p', { class: 'cx-intro' }, ['Leave your number and we will call you back.']),
      el('div', { class: 'cx-row' }, [field('firstname', 'First name', 'text', 'Ada'), field('lastname', 'Last name', 'text', 'Lovelace')]),
      field('phone', 'Phone number', 'tel', '+44 20 7946 0000'),
      field('subject', 'Subject', 'text', 'What is it about?'),
      field('desiredTime', 'Desired time', 'select', ''),
      errorBox,
      el('div', { class: 'cx-actions' }, [btnSubmit]),
    ]);
    var doneBox = el('div', { class: 'cx-done', 'data-testid': 'cx-done', hidden: '' }, [
      el('p', { class: 'cx-done-title' }, ['Your callback has been scheduled.']),
      el('p', {}, ['An agent will call you at the requested time.']),
    ]);
    var btnYes = el('button', { type: 'button', class: 'cx-btn cx-primary', 'data-testid': 'cx-confirm-yes' }, ['Yes']);
    var btnNo = el('button', { type: 'button', class: 'cx-btn', 'data-testid': 'cx-confirm-no' }, ['No']);
    var overlay = el('div', { class: 'cx-overlay', 'data-testid': 'cx-overlay', hidden: '' }, [
      el('div', { class: 'cx-overlay-box' }, [el('p', {}, ['Are you sure you want to cancel this callback request?']), el('div', { class: 'cx-actions' }, [btnNo, btnYes])]),
    ]);
    var body = el('div', { class: 'cx-body' }, [form, doneBox]);
    root.appendChild(title);
    root.appendChild(body);
    root.appendChild(overlay);

    function mount() { if (doc.body && !root.parentNode) doc.body.appendChild(root); }
    if (doc.body) mount(); else doc.addEventListener('DOMContentLoaded', mount);

    function render() {
      mount();
      root.hidden = !st.open;
      root.classList.toggle('cx-minimized', st.minimized);
      form.hidden = st.phase === 'completed';
      doneBox.hidden = st.phase !== 'completed';
      overlay.hidden = !st.overlay;
      btnSubmit.disabled = st.phase === 'submitting';
      btnSubmit.textContent = st.phase === 'submitting' ? 'Sending\u2026' : 'Submit';
      btnMin.textContent = st.minimized ? '\u25a1' : '\u2013';
      btnMin.setAttribute('aria-label', st.minimized ? 'Restore' : 'Minimize');
    }
    function setError(/** @type {string} */ text) { errorBox.textContent = text; }
    function resetForm() {
      for (var k in inputs) { var i = inputs[k]; if (i) i.value = i.tagName === 'SELECT' ? 'asap' : ''; }
      setError('');
    }

    // ------------------------------------------------------------ user events
    function onUserInput() {
      if (!st.open || meta.started || st.startedPending) return;
      st.startedPending = true;
      var gen = st.interaction;
      var typedAt = Date.now();
      enqueue(async function () {
        await flushed();
        st.startedPending = false;
        if (gen !== st.interaction || !st.open || meta.started) return;
        await publishMeta('started', 'started', typedAt);
      });
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); enqueue(opSubmit); });
    btnClose.addEventListener('click', function () { enqueue(function () { return opClose('x', null); }); });
    btnYes.addEventListener('click', function () { enqueue(function () { return opClose('confirm', null); }); });
    btnNo.addEventListener('click', function () { st.overlay = false; render(); });
    btnMin.addEventListener('click', function () { enqueue(function () { return opMinimize(!st.minimized, null); }); });
    title.addEventListener('click', function (ev) {
      var t = /** @type {Element|null} */ (ev.target);
      if (st.minimized && t && t.tagName !== 'BUTTON') {
        enqueue(function () { return opMinimize(false, null); });
      }
    });

    // ------------------------------------------------------------ operations
    /**
     * @param {any} form an open() form: {firstname, lastname, subject, desiredTime, phonenumber}
     */
    function mapOpenForm(form) {
      return {
        firstname: str(form.firstname), lastname: str(form.lastname), _customer_number: str(form.phonenumber),
        subject: str(form.subject), _desired_time: form.desiredTime ? str(form.desiredTime) : new Date().toISOString(),
      };
    }
    function str(/** @type {any} */ v) { return v === undefined || v === null ? '' : String(v); }
    function readUiForm() {
      var sel = inputs.desiredTime ? inputs.desiredTime.value : 'asap';
      var mins = sel === 'asap' ? 0 : parseInt(sel, 10) || 0;
      return {
        firstname: str(inputs.firstname && inputs.firstname.value).trim(),
        lastname: str(inputs.lastname && inputs.lastname.value).trim(),
        _customer_number: str(inputs.phone && inputs.phone.value).trim(),
        subject: str(inputs.subject && inputs.subject.value).trim(),
        _desired_time: new Date(Date.now() + mins * 60000).toISOString(),
      };
    }

    /**
     * @param {any} opts Callback.open options
     * @param {any} deferred
     */
    async function opOpen(opts, deferred) {
      await flushed();
      if (st.open) {
        if (st.minimized) await opMinimize(false, null);
        if (deferred) deferred.resolve();
        return;
      }
      var f = opts && typeof opts === 'object' && opts.form && typeof opts.form === 'object' ? opts.form : null;
      st.interaction++;
      st.submits = 0;
      resetForm();
      if (f) {
        if (inputs.firstname) inputs.firstname.value = str(f.firstname);
        if (inputs.lastname) inputs.lastname.value = str(f.lastname);
        if (inputs.phone) inputs.phone.value = str(f.phonenumber);
        if (inputs.subject) inputs.subject.value = str(f.subject);
      }
      if (f && f.autoSubmit) {
        // shipped 9.x: submitted first (opened false, started false), then opened, then started
        meta.prefilled = true;
        meta.autoSubmitted = true;
        meta.form = mapOpenForm(f);
        st.phase = 'submitting';
        if (!cfg.nosubmit) await publishMeta('submitted', null);
        await ensureService();
        st.open = true;
        render();
        windowOpened();
        await afterPaint();
        await publishMeta('opened', 'opened', Date.now());
        startedAfterOpened();
        await publishMeta('started', null);
        requestSchedule(); // the request is on its way; its answer comes after started
        if (deferred) deferred.resolve();
        return;
      }
      if (f) meta.prefilled = true;
      st.open = true;
      st.phase = 'form';
      render();
      windowOpened();
      await afterPaint();
      await publishMeta('opened', 'opened', Date.now());
      if (f) {
        startedAfterOpened();
        await publishMeta('started', null);
      }
      if (deferred) deferred.resolve();
    }

    async function opSubmit() {
      await flushed();
      if (!st.open || st.phase !== 'form') return;
      var f = readUiForm();
      if (!f.firstname) { setError('Please enter your first name.'); return; }
      if (!/^\+?[0-9][0-9 ()\-.]{5,19}$/.test(f._customer_number)) { setError(ERR_PHONE); return; }
      setError('');
      st.phase = 'submitting';
      render();
      meta.form = f; // replaced on each submit
      if (!cfg.nosubmit) await publishMeta('submitted', null);
      await ensureService();
      requestSchedule();
    }

    async function ensureService() {
      if (sim.isLoaded('CallbackService')) return;
      await sleep(fast ? rand(1, 3) : rand(10, 30)); // "script load"
      sim.load('CallbackService');
      await flushed();
    }

    function requestSchedule() {
      var gen = st.interaction;
      st.submits++;
      var payload = {};
      for (var k in meta.form) /** @type {any} */ (payload)[k] = meta.form[k];
      cb.command('CallbackService.schedule', payload)
        .done(function () { enqueue(function () { return opCompleted(gen); }); })
        .fail(function (/** @type {any} */ xhr) { enqueue(function () { return opFailed(gen, xhr); }); });
    }

    async function opCompleted(/** @type {number} */ gen) {
      await flushed();
      if (gen !== st.interaction || !st.open || st.phase !== 'submitting') return;
      var t2 = Date.now();
      st.phase = 'completed';
      st.overlay = false;
      render();
      await publishMeta('completed', 'completed', t2);
    }

    async function opFailed(/** @type {number} */ gen, /** @type {any} */ xhr) {
      await flushed();
      if (gen !== st.interaction || !st.open || st.phase !== 'submitting') return;
      var msg = xhr && xhr.responseJSON && xhr.responseJSON.code === PHONE_CODE ? ERR_PHONE : ERR_UNKNOWN;
      if (meta.errors === false) meta.errors = [];
      var errs = meta.errors;
      errs[errs.length] = msg; // the one shared array keeps growing
      st.phase = 'form';
      render();
      setError(msg === ERR_UNKNOWN ? 'Sorry, something went wrong. Please try again.' : msg);
    }

    /**
     * @param {'x'|'command'|'confirm'} source
     * @param {any} deferred
     */
    async function opClose(source, deferred) {
      await flushed();
      if (!st.open) { if (deferred) deferred.resolve(); return; }
      var needsConfirm = st.phase !== 'completed' && !!meta.started;
      if (source !== 'confirm' && needsConfirm) {
        st.overlay = true;
        render();
        if (deferred) deferred.reject('User must confirm close');
        return;
      }
      if (source === 'confirm' && !st.overlay) { if (deferred) deferred.resolve(); return; }
      st.overlay = false;
      render();
      await afterPaint(); // let the page settle, so cancelled and closed go out back to back
      var closeStart = Date.now();
      if (st.phase !== 'completed') {
        await publishMeta('cancelled', 'cancelled', closeStart);
        closeStart = lastStampMs; // closed follows cancelled back to back
      }
      st.open = false;
      st.minimized = false;
      st.phase = 'closed';
      st.interaction++; // late service answers of this interaction are ignored
      render();
      resetForm();
      if (!cfg.noclosed) await publishMeta('closed', 'closed', closeStart);
      else meta.closed = ts();
      meta = fresh(); // all metadata reset after closed (the closed event keeps the old object)
      windowClosed();
      if (deferred) deferred.resolve();
    }

    /**
     * @param {boolean} minimized
     * @param {any} deferred
     */
    async function opMinimize(minimized, deferred) {
      await flushed();
      if (!st.open || st.minimized === minimized) { if (deferred) deferred.resolve(); return; }
      st.minimized = minimized;
      render();
      await sleep(rand(0, 2));
      cb.publish(minimized ? 'minimized' : 'unminimized', {});
      if (!minimized && sim.noisy && windowId) cb.command('WindowManager.focusWindow', { id: windowId });
      await flushed();
      if (deferred) deferred.resolve();
    }

    // ------------------------------------------------------------ the window, for WindowManager
    var windowId = '';
    function windowOpened() {
      if (!sim.noisy) return;
      cb.command('WindowManager.addWindow', { name: 'Callback' }).done(function (/** @type {any} */ id) { windowId = String(id); });
      cb.command('App.reTheme', {});
    }
    function windowClosed() {
      if (!sim.noisy || !windowId) return;
      var id = windowId;
      windowId = '';
      cb.command('WindowManager.removeWindow', { id: id });
    }

    // ------------------------------------------------------------ CallbackService stub
    /** @type {number[]} statuses of the next requests that must fail, first one first */
    var failQueue = [];
    var serviceCalls = 0;
    function initService() {
      svc = sim.registerPlugin('CallbackService');
      svc.registerEvents(['ready', 'scheduled', 'scheduleError', 'availableSlots', 'availabilityError']);
      svc.registerCommand('schedule', function (/** @type {any} */ e) {
        serviceCalls++;
        /** @type {number|null} */
        var failStatus = failQueue.length ? /** @type {number} */ (failQueue.shift()) : null;
        if (failStatus === null && (cfg.service === 'fail' || (cfg.service === 'fail-once' && serviceCalls === 1))) failStatus = defaultFailStatus;
        var data = e.data || {};
        sleep(fast ? rand(5, 20) : rand(150, 400)).then(function () {
          if (failStatus !== null) {
            var xhr = failedResponse(failStatus);
            svc.publish('scheduleError', xhr);
            e.deferred.reject(xhr);
          } else {
            var resp = { id: 'cb-' + Date.now().toString(36), _desired_time: str(data._desired_time), _customer_number: str(data._customer_number) };
            svc.publish('scheduled', resp);
            e.deferred.resolve(resp);
          }
        });
      });
      svc.registerCommand('availability', function (/** @type {any} */ e) {
        var slots = {};
        var t = Date.now();
        for (var i = 1; i <= 3; i++) /** @type {any} */ (slots)[new Date(t + i * 3600000).toISOString()] = 1;
        setT(function () { svc.publish('availableSlots', slots); e.deferred.resolve(slots); }, fast ? 5 : 100);
      });
      svc.registerCommand('configure', function (/** @type {any} */ e) { e.deferred.resolve(); });
      svc.publish('ready', {});
    }

    // ------------------------------------------------------------ Callback plugin
    function initCallback() {
      cb = sim.registerPlugin('Callback');
      // minimized / unminimized are published but not registered (as in 9.x)
      cb.registerEvents(['ready', 'opened', 'started', 'submitted', 'completed', 'cancelled', 'closed']);
      cb.registerCommand('open', function (/** @type {any} */ e) { enqueue(function () { return opOpen(e.data, e.deferred); }); });
      cb.registerCommand('close', function (/** @type {any} */ e) { enqueue(function () { return opClose('command', e.deferred); }); });
      cb.registerCommand('minimize', function (/** @type {any} */ e) {
        var want = e.data && typeof e.data.minimized === 'boolean' ? e.data.minimized : !st.minimized;
        enqueue(function () { return opMinimize(want, e.deferred); });
      });
      cb.registerCommand('configure', function (/** @type {any} */ e) { e.deferred.resolve(); });
      cb.registerCommand('showEWT', function (/** @type {any} */ e) { e.deferred.resolve(); });
      cb.registerCommand('showOverlay', function (/** @type {any} */ e) { e.deferred.resolve(); });
      cb.registerCommand('hideOverlay', function (/** @type {any} */ e) { e.deferred.resolve(); });
      cb.publish('ready', {});
    }

    sim.callback = {
      idle: idle,
      /** metadata object currently live (for tests) */
      meta: function () { return meta; },
      state: function () { return { open: st.open, phase: st.phase, minimized: st.minimized, overlay: st.overlay }; },
      ui: { root: root, inputs: inputs, submit: btnSubmit, close: btnClose, minimize: btnMin, confirmYes: btnYes, confirmNo: btnNo, title: title },
      service: {
        /**
         * the next n requests fail with this status (400, 429, 500 or 0; default: failstatus=, else 500)
         * @param {number} n
         * @param {number} [status]
         */
        failNext: function (n, status) {
          var s = status === 0 || status === 400 || status === 429 || status === 500 ? status : defaultFailStatus;
          failQueue = [];
          for (var i = 0; i < Math.max(0, n | 0); i++) failQueue[failQueue.length] = s;
        },
        defaultFailStatus: function () { return defaultFailStatus; },
        calls: function () { return serviceCalls; },
      },
      restore: function () { return enqueue(function () { return opMinimize(false, null); }); },
      minimize: function () { return enqueue(function () { return opMinimize(true, null); }); },
    };

    sim.define('Callback', initCallback);
    sim.defineLazy('CallbackService', initService);
    sim.startApp();
  }
})(window, document);
