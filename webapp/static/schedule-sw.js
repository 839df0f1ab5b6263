// My schedule without a network (webapp/offline.py says what may be kept and why).
// Served as /me/sw.js, scope /me/. Only GET requests for /me/schedule and its one-event .ics
// files are handled: from the network first; an answer that names its owner (Shouwang-Offline)
// is kept in that owner's cache, the schedule page marked as a saved copy, and the .ics files it
// links fetched along; every other owner's cache goes. Without a network the kept copy answers.
"use strict";

var PREFIX = "shouwang-offline-";
var OWNER_HEADER = "Shouwang-Offline";
var SCHEDULE = "/me/schedule";
var ICS = /^\/me\/schedule\/[A-Za-z0-9-]+\.ics$/;
var ICS_LINK = /href="(\/me\/schedule\/[A-Za-z0-9-]+\.ics(?:\?v=[0-9]+)?)"/g;
// The page carries a hidden "saved copy, as of <time>" note; the kept copy shows it.
var NOTE_HIDDEN = "data-offline-note hidden";
var NOTE_SHOWN = "data-offline-note";

self.addEventListener("install", function (event) {
  // The page's static files go straight to the browser's cache, without waking this worker
  // (Chrome's static routing; elsewhere the fetch handler lets them pass).
  if (event.addRoutes) {
    event.waitUntil(event.addRoutes([
      { condition: { urlPattern: new URLPattern({ pathname: "/static/*" }) }, source: "network" }
    ]).catch(function () {}));
  }
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    await self.clients.claim();
    // The page that registered this worker came from the network before it ran: keep it now.
    try {
      await keep(new URL(SCHEDULE, self.location.origin), await fetch(SCHEDULE));
    } catch (error) {
      // Offline or refused: the next visit keeps it.
    }
  })());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname !== SCHEDULE && !ICS.test(url.pathname)) { return; }
  event.respondWith(networkFirst(event, url));
});

async function networkFirst(event, url) {
  var response;
  try {
    response = (event.preloadResponse && await event.preloadResponse) || await fetch(event.request);
  } catch (error) {
    var kept = await keptCopy(url);
    if (kept) { return kept; }
    throw error;
  }
  event.waitUntil(keep(url, response.clone()));
  return response;
}

async function ownCaches() {
  return (await caches.keys()).filter(function (name) { return name.indexOf(PREFIX) === 0; });
}

async function keptCopy(url) {
  var names = await ownCaches();
  for (var i = 0; i < names.length; i++) {
    var cache = await caches.open(names[i]);
    var hit = url.pathname === SCHEDULE
      ? await cache.match(SCHEDULE, { ignoreSearch: true })
      : await cache.match(url.pathname + url.search);
    if (hit) { return hit; }
  }
  return undefined;
}

async function keep(url, response) {
  var owner = response.headers.get(OWNER_HEADER);
  if (!response.ok || !owner || !/^[0-9a-f]{32}$/.test(owner)) {
    // Sent to the log-in page: nobody is logged in here any more, so nothing is kept.
    if (response.redirected) { await forget(""); }
    return;
  }
  await forget(owner);
  var cache = await caches.open(PREFIX + owner);
  if (url.pathname !== SCHEDULE) {
    await cache.put(url.pathname + url.search, response);
    return;
  }
  var html = await response.text();
  await cache.put(SCHEDULE, new Response(html.replace(NOTE_HIDDEN, NOTE_SHOWN), {
    headers: { "Content-Type": "text/html; charset=utf-8" }
  }));
  // The page's .ics files: fetch those not kept yet, drop those it no longer links.
  var linked = new Set();
  var match;
  ICS_LINK.lastIndex = 0;
  while ((match = ICS_LINK.exec(html)) !== null) { linked.add(match[1]); }
  var keys = await cache.keys();
  for (var i = 0; i < keys.length; i++) {
    var path = new URL(keys[i].url);
    if (path.pathname !== SCHEDULE && !linked.has(path.pathname + path.search)) {
      await cache.delete(keys[i]);
    }
  }
  for (var link of linked) {
    if (await cache.match(link)) { continue; }
    try {
      var ics = await fetch(link);
      if (ics.ok && ics.headers.get(OWNER_HEADER) === owner) { await cache.put(link, ics); }
    } catch (error) {
      return;
    }
  }
}

async function forget(owner) {
  var names = await ownCaches();
  await Promise.all(names.filter(function (name) { return name !== PREFIX + owner; })
    .map(function (name) { return caches.delete(name); }));
}
