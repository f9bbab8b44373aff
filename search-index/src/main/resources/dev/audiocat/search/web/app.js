// audiocat search page. Everything from the catalog is untrusted (titles and tags come from the
// files): it is only ever put in the page with textContent / attributes set through the DOM API,
// never as HTML.
'use strict';

const state = { q: '', bpmMin: '', bpmMax: '', like: null, likeTitle: '', filters: new Map() };

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function params() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.bpmMin !== '') p.set('bpm_min', state.bpmMin);
  if (state.bpmMax !== '') p.set('bpm_max', state.bpmMax);
  if (state.like) p.set('like', state.like);
  for (const [facet, values] of state.filters) for (const v of values) p.append(facet, v);
  return p;
}

async function runSearch() {
  $('status').textContent = 'Searching…';
  let data;
  try {
    const r = await fetch('/api/search?' + params().toString());
    data = await r.json();
    if (!r.ok) throw new Error(data.error || r.statusText);
  } catch (e) {
    $('status').textContent = 'Search failed: ' + e.message;
    return;
  }
  renderFacets(data.facets);
  renderResults(data);
}

function renderFacets(facets) {
  const box = $('facets');
  box.replaceChildren();
  for (const f of facets) {
    const fs = el('fieldset', {}, el('legend', { text: f.label }));
    const selected = state.filters.get(f.param) || new Set();
    for (const v of f.values) {
      const id = 'f-' + f.param + '-' + v.value.replace(/[^A-Za-z0-9_-]/g, '_');
      const cb = el('input', { type: 'checkbox', id, 'data-facet': f.param, 'data-value': v.value });
      cb.checked = selected.has(v.value);
      cb.addEventListener('change', () => toggleFilter(f.param, v.value, cb.checked));
      fs.append(el('label', { for: id }, cb, el('span', { text: v.value }), el('span', { class: 'count', text: String(v.count) })));
    }
    // keep selected values visible even when the current results have none of them
    for (const v of selected) {
      if (!f.values.some((x) => x.value === v)) {
        const cb = el('input', { type: 'checkbox', 'data-facet': f.param, 'data-value': v });
        cb.checked = true;
        cb.addEventListener('change', () => toggleFilter(f.param, v, cb.checked));
        fs.append(el('label', {}, cb, el('span', { text: v }), el('span', { class: 'count', text: '0' })));
      }
    }
    box.append(fs);
  }
}

function toggleFilter(facet, value, on) {
  const set = state.filters.get(facet) || new Set();
  if (on) set.add(value); else set.delete(value);
  if (set.size) state.filters.set(facet, set); else state.filters.delete(facet);
  runSearch();
}

function fmtDuration(s) {
  if (s == null) return null;
  const m = Math.floor(s / 60);
  return m + ':' + String(Math.round(s % 60)).padStart(2, '0');
}

function consentBadge(label, value) {
  if (!value) return null;
  const cls = value === 'allowed' ? 'ok' : value === 'notAllowed' ? 'bad' : 'warn';
  return el('li', { class: 'badge ' + cls, text: label + ': ' + value });
}

function renderResults(data) {
  const ol = $('results');
  ol.replaceChildren();
  const what = state.like ? 'similar assets' : 'results';
  $('status').textContent = data.total + ' ' + what + ' (' + data.took_ms + ' ms)';
  for (const h of data.hits) {
    const title = h.title || h.file_name || h.asset_id;
    const badges = el('ul', { class: 'badges', 'aria-label': 'Properties' });
    if (h.key) badges.append(el('li', { class: 'badge key', text: 'Key ' + h.key }));
    if (h.bpm != null) badges.append(el('li', { class: 'badge bpm', text: Math.round(h.bpm) + ' BPM' }));
    const d = fmtDuration(h.duration_seconds);
    if (d) badges.append(el('li', { class: 'badge', text: d }));
    for (const t of h.instrument_tags || []) badges.append(el('li', { class: 'badge tag', text: t }));
    for (const t of h.mood_tags || []) badges.append(el('li', { class: 'badge tag', text: t }));
    for (const q of h.qc_flags || []) badges.append(el('li', { class: 'badge warn', text: 'QC ' + q.type }));
    badges.append(consentBadge('AI training', h.consent_ai_training) || '');
    badges.append(consentBadge('Licensing', h.consent_commercial_license) || '');
    if (h.rights_status) badges.append(el('li', { class: 'badge ' + (h.rights_status === 'known' ? 'ok' : 'warn'), text: 'Rights ' + h.rights_status }));
    for (const l of h.license_ids || []) badges.append(el('li', { class: 'badge ok', text: 'License ' + l }));
    if (h.unlicensed_match) badges.append(el('li', { class: 'badge bad', text: 'Unlicensed reference match' }));

    const meta = [h.artist, h.album, h.title ? h.file_name : null].filter(Boolean).join(' · ');
    const li = el('li', { class: 'result', 'data-asset-id': h.asset_id },
      el('h2', { text: title }),
      el('p', { class: 'meta', text: meta }),
      badges,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'play', 'aria-label': 'Play preview of ' + title, onclick: () => play(h.asset_id, title) }, 'Play preview'),
        el('button', { type: 'button', class: 'like', 'aria-label': 'More like ' + title, onclick: () => moreLike(h.asset_id, title) }, 'More like this'),
        el('button', { type: 'button', class: 'rights', 'aria-label': 'Rights history of ' + title, onclick: () => showRights(h.asset_id, title) }, 'Rights history')));
    ol.append(li);
  }
}

function play(id, title) {
  const p = $('player');
  p.src = '/api/preview/' + encodeURIComponent(id);
  $('now-playing').textContent = 'Playing: ' + title;
  p.play().catch((e) => { $('now-playing').textContent = 'Cannot play ' + title + ': ' + e.message; });
}

function moreLike(id, title) {
  state.like = id;
  state.likeTitle = title;
  $('like-text').textContent = 'Sounds like: ' + title;
  $('like-banner').hidden = false;
  runSearch().then(() => $('results').focus());
}

async function showRights(id, title) {
  const body = $('rights-body');
  body.replaceChildren(el('p', { text: 'Loading…' }));
  $('rights-title').textContent = 'Rights history: ' + title;
  $('rights-dialog').showModal();
  try {
    const r = await fetch('/api/rights/' + encodeURIComponent(id));
    const data = await r.json();
    if (!data.available) { body.replaceChildren(el('p', { text: data.message })); return; }
    if (!data.events.length) { body.replaceChildren(el('p', { text: 'The ledger has no events for this asset.' })); return; }
    const keys = [...new Set(data.events.flatMap((ev) => Object.keys(ev)))];
    const cell = (v) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const table = el('table', {}, el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', { scope: 'col', text: k })))));
    const tb = el('tbody');
    for (const ev of data.events) tb.append(el('tr', {}, ...keys.map((k) => el('td', { text: cell(ev[k]) }))));
    table.append(tb);
    body.replaceChildren(table);
  } catch (e) {
    body.replaceChildren(el('p', { text: 'Could not load the rights history: ' + e.message }));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = $('q').value.trim();
    state.bpmMin = $('bpm-min').value;
    state.bpmMax = $('bpm-max').value;
    runSearch();
  });
  $('clear').addEventListener('click', () => {
    state.filters.clear();
    $('bpm-min').value = ''; $('bpm-max').value = '';
    state.bpmMin = ''; state.bpmMax = '';
    runSearch();
  });
  $('like-clear').addEventListener('click', () => {
    state.like = null;
    $('like-banner').hidden = true;
    runSearch();
  });
  runSearch();
});
