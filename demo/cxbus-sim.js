// @ts-check
/*
 * cxbus-sim.js: the demo's own simulation of the Genesys Widgets bus (CXBus + App/QuickBus),
 * written from ../shared/SPEC.md §1 (not copied from any Genesys file). A plain classic script,
 * like a real widgets.min.js: no modules, no build step.
 *
 * What it does, in the order a 9.0.018.07 page sees it:
 *  1. When this script runs: `window.CXBus` (the bus core) is assigned (not in legacy 8.5 mode).
 *     It has subscribe/command/registerPlugin/loadPlugin/configure, and no registry/publish/version.
 *  2. A moment later (setTimeout 0) the bus registers its own "CXBus" plugin. Until then
 *     `CXBus.subscribe()` returns false and does nothing (the 9.0.018.07 quirk).
 *  3. housekeeping-sim.js and callback-sim.js define the plugins and callback-sim.js calls startApp():
 *     the App plugin (widgets-core) creates the QuickBus at `window._genesys.widgets.bus` (legacy:
 *     `_genesys.cxwidget.bus`) and `_genesys.widgets.common.data(key)` (9.x: the version is only
 *     there), initialises the plugins (Callback publishes `Callback.ready`), sends every plugin its
 *     `configure` command, loads the language and the theme (App.registerI18n, App.setLanguage,
 *     App.setTheme: App.i18n, App.language, App.theme), publishes `App.ready` and calls the page's
 *     `_genesys.widgets.onReady(bus)` (legacy: `_genesys.cxwidget.onReady`, `cxwidget.version`).
 *
 * Dispatch: every handler runs in its own setTimeout(0), in publish order, with a fresh envelope
 * {time, publisher, event, data}; `time` is Date.now() when the bus dispatches the publish; `data` is
 * the very object the publisher passed (not copied). Handler exceptions are not swallowed: they reach
 * window.onerror, like a page error would (the demo counts them in window.demo.pageErrors).
 * `*.ready` events are republished once to each late subscriber, with the time it subscribed.
 *
 * Internal handle for the rest of the demo: the non-enumerable `window.__cxbusSim`.
 */
(function (win) {
  'use strict';
  /** @type {any} */
  var W = win;
  if (W.__cxbusSim) return; // loaded twice: keep the first bus

  var VERSION = '9.0.018.07';
  var LEGACY_VERSION = '8.5.006.07';

  try {
    install();
  } catch (e) {
    try { win.console.error('[cxbus-sim] failed to start', e); } catch (_) { /* ignore */ }
  }

  function install() {
    /** @type {{legacy?: boolean, debug?: boolean, noise?: boolean}} */
    var cfg = W.cxbusDemoConfig && typeof W.cxbusDemoConfig === 'object' ? W.cxbusDemoConfig : {};
    var legacy = !!cfg.legacy;
    // the housekeeping traffic of a real page (configure commands, theme, language, focus): on
    // unless a unit test asks for a quiet bus (noise=0)
    var noisy = cfg.noise !== false;
    var setT = win.setTimeout.bind(win);
    var now = Date.now;
    var consoleRef = win.console;

    /**
     * @typedef {{ name: string, events: string[], commands: Object<string, Function>, befores: Object<string, Function[]> }} PluginRecord
     * @typedef {{ id: string, fn: Function }} Sub
     */
    /** @type {Object<string, PluginRecord>} */
    var plugins = Object.create(null);
    /** @type {string[]} plugin names in registration order */
    var pluginOrder = [];
    /** @type {Object<string, Sub[]>} */
    var subs = Object.create(null);
    /** @type {Object<string, {publisher: string, data: any}>} */
    var readyCache = Object.create(null);
    /** @type {Object<string, Function>} plugin initialisers defined by callback-sim.js */
    var defined = Object.create(null);
    /** @type {string[]} */
    var definedOrder = [];
    /** @type {Object<string, Function>} plugins loaded on first use */
    var lazy = Object.create(null);
    /** @type {Object<string, any>} interfaces handed out by handle.registerPlugin, by plugin name */
    var ifaces = Object.create(null);
    var subCounter = 0;
    var publishedCount = 0; // every publish since the script ran (what a capture should hold)
    var pending = 0; // handler timers not yet run
    /** @type {Function[]} */
    var flushWaiters = [];
    var state = { debug: !!cfg.debug, cxbusRegistered: false, started: false, ready: false };
    /** @type {Function[]} */
    var whenRegistered = [];

    /** @param {...any} _args */
    function log(..._args) {
      if (!state.debug) return;
      try { consoleRef.log.apply(consoleRef, ['[CXBus]'].concat(_args)); } catch (_) { /* ignore */ }
    }

    /** Rethrow asynchronously so a page callback's error surfaces without breaking the bus. */
    function rethrowAsync(/** @type {any} */ e) {
      setT(function () { throw e; }, 0);
    }

    function append(/** @type {any[]} */ arr, /** @type {any} */ v) { arr[arr.length] = v; }

    // ---------------------------------------------------------------- deferred (done/fail/always)
    /**
     * @returns {{resolve(v?: any): void, reject(v?: any): void, promise: any}}
     */
    function makeDeferred() {
      var st = 'pending';
      /** @type {any} */
      var value;
      /** @type {{kind: string, fn: Function}[]} */
      var cbs = [];
      function run(/** @type {{kind: string, fn: Function}} */ cb) {
        if (cb.kind === 'always' || cb.kind === st) {
          try { cb.fn(value); } catch (e) { rethrowAsync(e); }
        }
      }
      function settle(/** @type {string} */ s, /** @type {any} */ v) {
        if (st !== 'pending') return;
        st = s; value = v;
        var list = cbs; cbs = [];
        for (var i = 0; i < list.length; i++) run(/** @type {any} */ (list[i]));
      }
      function add(/** @type {string} */ kind, /** @type {any} */ fn) {
        if (typeof fn !== 'function') return;
        var cb = { kind: kind, fn: fn };
        if (st === 'pending') append(cbs, cb); else run(cb);
      }
      /** @type {any} */
      var promise = {
        done: function (/** @type {any} */ fn) { add('resolved', fn); return promise; },
        fail: function (/** @type {any} */ fn) { add('rejected', fn); return promise; },
        always: function (/** @type {any} */ fn) { add('always', fn); return promise; },
        state: function () { return st; },
        then: function (/** @type {any} */ ok, /** @type {any} */ ko) {
          return new Promise(function (res, rej) {
            add('resolved', res); add('rejected', rej);
          }).then(ok, ko);
        },
      };
      return {
        resolve: function (v) { settle('resolved', v); },
        reject: function (v) { settle('rejected', v); },
        promise: promise,
      };
    }

    // ---------------------------------------------------------------- core operations
    /**
     * @param {string} event
     * @param {Function} fn
     * @returns {string|false}
     */
    function subscribe(event, fn) {
      if (typeof event !== 'string' || !event || typeof fn !== 'function') return false;
      var id = 'sub' + (++subCounter);
      var list = subs[event] || (subs[event] = []);
      append(list, { id: id, fn: fn });
      log('subscribe', event);
      var cached = readyCache[event];
      if (cached) {
        // late subscriber to a ready event: republish once, with the time of subscription
        dispatch(fn, { time: now(), publisher: cached.publisher, event: event, data: cached.data });
      }
      return id;
    }

    /**
     * @param {any} idOrEvent a subscription id, or an event name (with fn)
     * @param {any} [fn]
     */
    function unsubscribe(idOrEvent, fn) {
      var removed = false;
      for (var ev in subs) {
        var list = subs[ev] || [];
        var keep = /** @type {Sub[]} */ ([]);
        for (var i = 0; i < list.length; i++) {
          var s = /** @type {Sub} */ (list[i]);
          var match = s.id === idOrEvent || (ev === idOrEvent && (fn === undefined || s.fn === fn));
          if (match) removed = true; else append(keep, s);
        }
        subs[ev] = keep;
      }
      return removed;
    }

    /**
     * @param {Function} fn
     * @param {{time: number, publisher: string, event: string, data: any}} envelope
     */
    function dispatch(fn, envelope) {
      pending++;
      setT(function () {
        try {
          fn(envelope); // exceptions propagate to window.onerror, like a real page handler's would
        } finally {
          pending--;
          if (pending === 0 && flushWaiters.length) {
            var w = flushWaiters; flushWaiters = [];
            for (var i = 0; i < w.length; i++) { try { /** @type {Function} */ (w[i])(); } catch (_) { /* ignore */ } }
          }
        }
      }, 0);
    }

    /**
     * Publish `publisher.shortName` with data (the same object, not a copy).
     * @param {string} publisher
     * @param {string} shortName
     * @param {any} [data]
     */
    function publish(publisher, shortName, data) {
      var event = publisher + '.' + shortName;
      var payload = arguments.length < 3 || data === undefined ? {} : data;
      if (shortName === 'ready') readyCache[event] = { publisher: publisher, data: payload };
      var time = now();
      publishedCount++;
      log('publish', event, payload);
      var list = (subs[event] || []).slice();
      for (var i = 0; i < list.length; i++) {
        dispatch(/** @type {Sub} */ (list[i]).fn, { time: time, publisher: publisher, event: event, data: payload });
      }
      return true;
    }

    /**
     * @param {string} name "Plugin.command"
     * @param {any} [options]
     * @param {string} [commander]
     */
    function command(name, options, commander) {
      var d = makeDeferred();
      try {
        var dot = typeof name === 'string' ? name.indexOf('.') : -1;
        if (dot <= 0) { d.reject('Invalid command name: ' + String(name)); return d.promise; }
        var pluginName = name.slice(0, dot);
        var cmd = name.slice(dot + 1);
        log('command', name, options);
        if (!plugins[pluginName] && lazy[pluginName]) loadLazy(pluginName);
        var rec = plugins[pluginName];
        var handler = rec && rec.commands[cmd];
        if (!rec || !handler) {
          var dd = d;
          setT(function () { dd.reject('Command not found: ' + name); }, 0);
          return d.promise;
        }
        var opts = options;
        var hooks = (rec.befores[cmd] || []).slice();
        for (var i = 0; i < hooks.length; i++) {
          var r;
          try { r = /** @type {Function} */ (hooks[i])(opts); } catch (e) { rethrowAsync(e); continue; }
          if (r === false) { d.reject('Command ' + name + ' cancelled by a before() hook'); return d.promise; }
          if (r && typeof r === 'object') opts = r;
        }
        handler({ command: name, commander: commander || 'page', data: opts === undefined ? {} : opts, time: now(), deferred: d });
      } catch (e) {
        d.reject(e);
      }
      return d.promise;
    }

    function registry() {
      /** @type {Object<string, {events: string[], commands: string[]}>} */
      var out = {};
      for (var i = 0; i < pluginOrder.length; i++) {
        var rec = plugins[/** @type {string} */ (pluginOrder[i])];
        if (!rec) continue;
        var cmds = /** @type {string[]} */ ([]);
        for (var c in rec.commands) append(cmds, rec.name + '.' + c);
        out[rec.name] = { events: rec.events.slice(), commands: cmds };
      }
      return out;
    }

    /**
     * @param {string} name
     * @returns {any} the plugin interface, or false if the name is taken
     */
    function registerPlugin(name) {
      if (typeof name !== 'string' || !name || plugins[name]) return false;
      /** @type {PluginRecord} */
      var rec = { name: name, events: [], commands: Object.create(null), befores: Object.create(null) };
      plugins[name] = rec;
      append(pluginOrder, name);
      log('registerPlugin', name);
      return {
        name: name,
        publish: function (/** @type {string} */ ev, /** @type {any} */ data) {
          return publish(name, String(ev), arguments.length < 2 ? {} : data);
        },
        subscribe: subscribe,
        unsubscribe: unsubscribe,
        command: function (/** @type {string} */ cmd, /** @type {any} */ opts) { return command(cmd, opts, name); },
        before: function (/** @type {string} */ cmd, /** @type {any} */ fn) {
          if (typeof cmd !== 'string' || typeof fn !== 'function') return false;
          var dot = cmd.indexOf('.');
          var p = dot > 0 ? cmd.slice(0, dot) : name;
          var c = dot > 0 ? cmd.slice(dot + 1) : cmd;
          var target = plugins[p];
          if (!target) return false;
          append(target.befores[c] || (target.befores[c] = []), fn);
          return true;
        },
        registry: registry,
        registerCommand: function (/** @type {string} */ cmd, /** @type {any} */ fn) {
          if (typeof fn !== 'function') return false;
          rec.commands[cmd] = fn;
          return true;
        },
        registerEvents: function (/** @type {string[]} */ list) {
          for (var i = 0; i < list.length; i++) {
            var full = name + '.' + list[i];
            if (rec.events.indexOf(full) < 0) append(rec.events, full);
          }
          return true;
        },
      };
    }

    // ---------------------------------------------------------------- the core on window.CXBus
    var core = {
      subscribe: function (/** @type {string} */ event, /** @type {Function} */ fn) {
        // 9.0.018.07: until the bus registered its own "CXBus" plugin, subscribe does nothing
        if (!state.cxbusRegistered) { log('subscribe refused (bus not ready)', event); return false; }
        return subscribe(event, fn);
      },
      command: function (/** @type {string} */ name, /** @type {any} */ opts) { return command(name, opts, 'CXBus'); },
      registerPlugin: registerPlugin,
      loadPlugin: function (/** @type {string} */ name) {
        var d = makeDeferred();
        var key = String(name);
        var found = null;
        for (var n in lazy) if (n.toLowerCase() === key.toLowerCase()) found = n;
        if (found && !plugins[found]) loadLazy(found);
        var ok = found || plugins[key] || key === 'widgets-core' || key.toLowerCase() === 'callback';
        setT(function () { if (ok) d.resolve(); else d.reject('Unknown plugin: ' + key); }, 0);
        return d.promise;
      },
      configure: function (/** @type {any} */ opts) {
        if (opts && typeof opts === 'object' && 'debug' in opts) state.debug = !!opts.debug;
        return true;
      },
    };

    function loadLazy(/** @type {string} */ name) {
      var init = lazy[name];
      if (!init || plugins[name]) return;
      delete lazy[name];
      init();
    }

    // the bus registers its own plugin a moment after window.CXBus exists
    setT(function () {
      registerPlugin('CXBus');
      state.cxbusRegistered = true;
      log('CXBus plugin registered');
      var w = whenRegistered; whenRegistered = [];
      for (var i = 0; i < w.length; i++) { try { /** @type {Function} */ (w[i])(); } catch (e) { rethrowAsync(e); } }
    }, 0);

    // ---------------------------------------------------------------- App start-up
    function ensureObject(/** @type {any} */ parent, /** @type {string} */ key) {
      var v = parent[key];
      if (!v || (typeof v !== 'object' && typeof v !== 'function')) { v = {}; parent[key] = v; }
      return v;
    }

    /** @type {any} the App plugin's interface, once started */
    var appIface = null;

    /**
     * widgets-core's helpers; `data("version")` is where 9.0.018.07 keeps its version (a plain
     * function; the page's own `common` object, if any, is kept).
     * @param {any} root
     */
    function ensureCommon(root) {
      var common = root.common && typeof root.common === 'object' ? root.common : {};
      /** @type {Object<string, any>} */
      var store = { version: VERSION };
      common.data = function (/** @type {string} */ key, /** @type {any} */ value) {
        if (arguments.length > 1) { store[key] = value; return value; }
        return store[key];
      };
      return common;
    }

    /**
     * The App's theme and language commands, each publishing its event.
     * @param {any} app
     * @param {any} main the page's widgets.main config
     */
    function defineAppCommands(app, main) {
      var theme = main && typeof main.theme === 'string' ? main.theme : 'dark';
      var lang = main && typeof main.lang === 'string' ? main.lang : 'en';
      /** @type {Object<string, any>} */
      var i18n = {};
      app.registerCommand('configure', function (/** @type {any} */ e) { e.deferred.resolve(); });
      app.registerCommand('setTheme', function (/** @type {any} */ e) {
        if (e.data && typeof e.data.theme === 'string') theme = e.data.theme;
        app.publish('theme', { theme: theme });
        e.deferred.resolve();
      });
      app.registerCommand('reTheme', function (/** @type {any} */ e) {
        app.publish('theme', { theme: theme });
        e.deferred.resolve();
      });
      app.registerCommand('registerI18n', function (/** @type {any} */ e) {
        var packs = e.data && typeof e.data === 'object' ? e.data : {};
        for (var l in packs) i18n[l] = packs[l];
        e.deferred.resolve();
      });
      app.registerCommand('setLanguage', function (/** @type {any} */ e) {
        if (e.data && typeof e.data.lang === 'string') lang = e.data.lang;
        app.publish('i18n', { lang: lang, strings: i18n[lang] || {} });
        app.publish('language', { lang: lang });
        e.deferred.resolve();
      });
    }

    /**
     * Start-up as widgets-core does it: every plugin gets its configure command with its section of
     * the page's config, then the language and the theme are applied.
     * @param {any} app
     * @param {any} root the page's _genesys.widgets object
     * @param {any} main
     */
    function configurePlugins(app, root, main) {
      for (var i = 0; i < pluginOrder.length; i++) {
        var p = /** @type {string} */ (pluginOrder[i]);
        var rec = plugins[p];
        if (!rec || !rec.commands.configure) continue;
        var section = root[p.charAt(0).toLowerCase() + p.slice(1)];
        app.command(p + '.configure', section && typeof section === 'object' ? section : {});
      }
      app.command('App.registerI18n', { en: { CallbackTitle: 'Receive a Call', CallbackSubmit: 'Submit' } });
      app.command('App.setLanguage', { lang: main && typeof main.lang === 'string' ? main.lang : 'en' });
      app.command('App.setTheme', { theme: main && typeof main.theme === 'string' ? main.theme : 'dark' });
    }

    function startApp() {
      if (state.started) return;
      state.started = true;
      var go = function () {
        var g = ensureObject(W, '_genesys');
        var root = ensureObject(g, legacy ? 'cxwidget' : 'widgets'); // keep the page's own config object
        var main = root.main && typeof root.main === 'object' ? root.main : null;
        if (main && main.debug) state.debug = true;
        // through the public bus object, as widgets-core's plugins register (a page hook sees it)
        var app = core.registerPlugin('App');
        app.registerEvents(['ready', 'focus', 'theme', 'i18n', 'language']);
        app.registerCommand('debug', function (/** @type {any} */ e) {
          state.debug = !(e.data && e.data.debug === false);
          e.deferred.resolve();
        });
        appIface = app;
        var quick = registerPlugin('QuickBus');
        quick.registerPlugin = registerPlugin;
        root.bus = quick;
        if (legacy) root.version = LEGACY_VERSION; // 9.0.018.07 has no widgets.version and no CXBus.version
        else root.common = ensureCommon(root);
        if (noisy) defineAppCommands(app, main);
        for (var i = 0; i < definedOrder.length; i++) {
          var n = /** @type {string} */ (definedOrder[i]);
          try { /** @type {Function} */ (defined[n])(); } catch (e) { try { consoleRef.error('[cxbus-sim] plugin failed', n, e); } catch (_) { /* ignore */ } }
        }
        if (noisy) configurePlugins(app, root, main);
        app.publish('ready', {});
        state.ready = true;
        var onReady = root.onReady;
        if (typeof onReady === 'function') {
          try { onReady.call(root, quick); } catch (e) { rethrowAsync(e); }
        }
      };
      if (state.cxbusRegistered) go(); else append(whenRegistered, go);
    }

    var handle = {
      version: legacy ? LEGACY_VERSION : VERSION,
      config: cfg,
      noisy: noisy,
      /** how many events were published on this bus so far (all plugins) */
      published: function () { return publishedCount; },
      /** App.focus, published by widgets-core when a widget window comes to the front */
      focus: function (/** @type {string} */ windowId) {
        if (appIface && noisy) appIface.publish('focus', { window: windowId });
      },
      core: core,
      state: state,
      /** @param {string} event */
      subscriberNames: function (event) {
        var list = subs[event] || [], out = /** @type {string[]} */ ([]);
        for (var i = 0; i < list.length; i++) append(out, /** @type {Sub} */ (list[i]).fn.name || '(anonymous)');
        return out;
      },
      /** widgets plugins register through the public bus object (`CXBus.registerPlugin`), so do ours */
      registerPlugin: function (/** @type {string} */ name) {
        var iface = core.registerPlugin(name);
        if (iface) ifaces[name] = iface;
        return iface;
      },
      /** publish as a plugin: through its own interface when it has one, as the plugin itself would */
      publishAs: function (/** @type {string} */ publisher, /** @type {string} */ shortName, /** @type {any} */ data) {
        var iface = ifaces[publisher];
        if (!iface) return arguments.length < 3 ? publish(publisher, shortName) : publish(publisher, shortName, data);
        return arguments.length < 3 ? iface.publish(shortName) : iface.publish(shortName, data);
      },
      command: command,
      registry: registry,
      makeDeferred: makeDeferred,
      /** define a plugin initialised at App start-up */
      define: function (/** @type {string} */ name, /** @type {Function} */ init) { defined[name] = init; append(definedOrder, name); },
      /** define a plugin loaded on first use (first command to it, or loadPlugin) */
      defineLazy: function (/** @type {string} */ name, /** @type {Function} */ init) { lazy[name] = init; },
      load: loadLazy,
      isLoaded: function (/** @type {string} */ name) { return !!plugins[name]; },
      startApp: startApp,
      /** resolves once every handler of every publish so far has run */
      flushed: function () {
        return new Promise(function (res) {
          if (pending === 0) res(undefined); else append(flushWaiters, res);
        });
      },
      pendingHandlers: function () { return pending; },
    };
    Object.defineProperty(W, '__cxbusSim', { value: handle, configurable: true, enumerable: false, writable: false });

    // last: the assignment a page hook may catch with a setter (9.x only; 8.5 has no window.CXBus)
    if (!legacy) W.CXBus = core;
  }
})(window);
