// @ts-check
/*
 * housekeeping-sim.js: the plugins a real Genesys Widgets 9.0.018.07 page runs besides Callback, on
 * the simulated bus of cxbus-sim.js, so the demo's bus is as busy as a real one (SPEC.md §1: in a
 * two-minute session 40 of 477 entries were Callback events). Written from SPEC.md, not copied from
 * any Genesys file. Plain classic script, loaded after cxbus-sim.js and before callback-sim.js.
 *
 *  - Watchman: `Watchman.ready`, then every second `Watchman.uptime:N` (N = seconds since start)
 *    and `Watchman.tick`; while the user is idle (no pointer, key, scroll or input for IDLE_AFTER_S
 *    seconds) also `Watchman.idle:N` every second (N = seconds idle).
 *  - WindowManager: commands `addWindow` / `removeWindow` (a widget asks when its window opens and
 *    closes); events `added.<Widget>#<guid>` / `removed.<Widget>#<guid>` per window instance, each
 *    followed by `changed` with the open windows. App.focus follows when a window comes to the front.
 *  - StatsService and CoBrowse: `ready` at start-up.
 * Every plugin registers through the public bus object (`CXBus.registerPlugin`) and has a
 * `configure` command, which the App sends at start-up (cxbus-sim.js).
 */
(function (win, doc) {
  'use strict';
  /** @type {any} */
  var W = win;
  var sim = W.__cxbusSim;
  if (!sim || sim.housekeeping) return;

  try {
    install();
  } catch (e) {
    try { win.console.error('[housekeeping-sim] failed to start', e); } catch (_) { /* ignore */ }
  }

  function install() {
    var setI = win.setInterval.bind(win);
    var clearI = win.clearInterval.bind(win);
    var IDLE_AFTER_S = 10;
    /** @type {number[]} */
    var timers = [];

    function configurable(/** @type {any} */ iface) {
      iface.registerCommand('configure', function (/** @type {any} */ e) { e.deferred.resolve(); });
    }

    // ------------------------------------------------------------ Watchman
    function initWatchman() {
      var w = sim.registerPlugin('Watchman');
      // the counted names (uptime:N, idle:N) are published but not registered
      w.registerEvents(['ready', 'tick']);
      configurable(w);
      var uptime = 0;
      var lastActivity = Date.now();
      var seen = function () { lastActivity = Date.now(); };
      var kinds = ['mousemove', 'mousedown', 'keydown', 'touchstart', 'scroll', 'input'];
      for (var i = 0; i < kinds.length; i++) {
        try { doc.addEventListener(/** @type {string} */ (kinds[i]), seen, { capture: true, passive: true }); } catch (_) { /* ignore */ }
      }
      w.publish('ready', {});
      timers[timers.length] = setI(function () {
        uptime++;
        w.publish('uptime:' + uptime, {});
        w.publish('tick', {});
        var idle = Math.floor((Date.now() - lastActivity) / 1000);
        if (idle >= IDLE_AFTER_S) w.publish('idle:' + idle, {});
      }, 1000);
    }

    // ------------------------------------------------------------ WindowManager
    function guid() {
      var h = '';
      for (var i = 0; i < 32; i++) h += Math.floor(Math.random() * 16).toString(16);
      return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
    }
    function initWindowManager() {
      var wm = sim.registerPlugin('WindowManager');
      wm.registerEvents(['changed']);
      configurable(wm);
      /** @type {string[]} open window ids, "Callback#<guid>" */
      var open = [];
      wm.registerCommand('addWindow', function (/** @type {any} */ e) {
        var name = e.data && typeof e.data.name === 'string' ? e.data.name : String(e.commander || 'Widget');
        var id = name + '#' + guid();
        open[open.length] = id;
        wm.publish('added.' + id, { id: id, name: name });
        wm.publish('changed', { windows: open.slice() });
        sim.focus(id);
        e.deferred.resolve(id);
      });
      wm.registerCommand('removeWindow', function (/** @type {any} */ e) {
        var id = e.data && typeof e.data.id === 'string' ? e.data.id : '';
        var at = open.indexOf(id);
        if (at < 0) { e.deferred.reject('Unknown window: ' + id); return; }
        open.splice(at, 1);
        wm.publish('removed.' + id, { id: id });
        wm.publish('changed', { windows: open.slice() });
        e.deferred.resolve();
      });
      wm.registerCommand('focusWindow', function (/** @type {any} */ e) {
        var id = e.data && typeof e.data.id === 'string' ? e.data.id : '';
        if (open.indexOf(id) >= 0) sim.focus(id);
        e.deferred.resolve();
      });
    }

    // ------------------------------------------------------------ services that only say ready
    /** @param {string} name */
    function readyOnly(name) {
      return function () {
        var p = sim.registerPlugin(name);
        p.registerEvents(['ready']);
        configurable(p);
        p.publish('ready', {});
      };
    }

    sim.housekeeping = {
      /** stops the Watchman timer (unit tests end with it) */
      stop: function () { for (var i = 0; i < timers.length; i++) clearI(timers[i]); timers = []; },
    };
    sim.define('Watchman', initWatchman);
    sim.define('WindowManager', initWindowManager);
    sim.define('StatsService', readyOnly('StatsService'));
    sim.define('CoBrowse', readyOnly('CoBrowse'));
  }
})(window, document);
