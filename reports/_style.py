"""The page's stylesheet, as data: inlined into the page, since the file must open offline."""

from __future__ import annotations

__all__ = ["CSS"]

CSS = """
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#fff;--soft:#f5f7f9;
--amber:#f3b33d;--amber-bg:#fff1d6;--red:#c0392b;--red-bg:#fde2df;--grey-bg:#e6e8eb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg)}
main{max-width:1280px;margin:0 auto;padding:0 24px 48px}
nav{position:sticky;top:0;background:#fffd;border-bottom:1px solid var(--line);padding:6px 24px;
z-index:2;font-size:13px}
nav a{margin-right:14px;color:var(--fg);text-decoration:none}nav a:hover{text-decoration:underline}
header{padding:20px 0 8px;border-bottom:2px solid var(--fg)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:0 0 6px}
.h3,h3{font-size:15px;margin:12px 0 6px}
section{padding:18px 0;border-bottom:1px solid var(--line)}
.muted{color:var(--muted);font-weight:normal}
.howto{background:var(--soft);border-left:4px solid #0072B2;padding:8px 12px;margin:6px 0 12px;
max-width:980px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:24px}@media(max-width:800px){.two{display:block}
}
ul.models,ul.datasets{margin:0;padding-left:18px}ul.models li,ul.datasets li{margin:4px 0}
code.fp{font-size:11px;color:var(--muted);word-break:break-all}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;padding:1px 6px;
border-radius:3px;vertical-align:1px}
.badge.sim{background:#111;color:#ffd400;border:1px solid #111}
.badge.warn{background:var(--amber-bg);color:#5a3b00;border:1px solid var(--amber)}
.simnote{border:2px solid #111;background:#fffbe0;padding:8px 12px}
.attribution{margin:4px 0;padding:4px 8px;background:var(--soft);border:1px solid var(--line)}
dl.facts{display:flex;flex-wrap:wrap;gap:8px 22px;margin:12px 0}
dl.facts div{min-width:90px}dl.facts dt{font-size:11px;color:var(--muted);text-transform:uppercase}
dl.facts dd{margin:0;font-weight:600}
details{margin:6px 0}summary{cursor:pointer;color:#0b5394}
pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font-size:12px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}table.num td{text-align:right}table.num td.l{text-align:left}
th.row{font-weight:600;white-space:nowrap}
.ci{color:var(--muted);font-size:11px}
table.heat td{text-align:center;min-width:38px;font-variant-numeric:tabular-nums;padding:3px 4px}
table.heat td.na{color:#bbb}
table.heat th.sev{font-weight:normal;color:var(--muted);text-align:center}
table.heat th.grp{text-align:center;white-space:nowrap}
td.found{font-weight:700;background:#fff1d6}
caption{text-align:left;font-weight:600;padding:4px 0}.scroll{overflow-x:auto}
table.glance td{white-space:nowrap}
.bar{position:relative;width:180px;height:18px;background:var(--soft)}
.bar span{position:absolute;left:0;top:0;bottom:0;opacity:.75}
.bar em{position:relative;font-style:normal;padding-left:4px;font-weight:600}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0}
svg.sw{vertical-align:middle}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(262px,1fr));gap:10px}
figure.card{margin:0;border:1px solid var(--line);padding:6px;background:#fff}
figure.card figcaption{font-weight:700}
svg.chart text{font-size:10px;fill:var(--muted)}svg.chart .ct{font-size:11px;fill:var(--fg)}
svg.chart .yt{text-anchor:end}svg.chart .xt,svg.chart .xl,svg.chart .yl{text-anchor:middle}
svg.chart .grid{stroke:#e8ebee;stroke-width:1}
.sample{margin:14px 0}.sample h3{margin-bottom:4px}
.strip{display:flex;flex-wrap:wrap;gap:8px}
figure.cell{margin:0;width:136px;border:1px solid var(--line);padding:4px;background:#fff}
figure.cell img,.ph{display:block;width:96px;height:96px;object-fit:contain;margin:0 auto;
background:var(--soft)}
.ph{font-size:10px;color:var(--muted);text-align:center;padding-top:30px}
figure.cell.clean{border:2px solid #0072B2}
figure.cell figcaption{font-size:11px;text-align:center;font-weight:600;margin:2px 0;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
ul.answers,ul.key{list-style:none;padding:0;margin:0}ul.answers li{margin:1px 0;white-space:nowrap;
overflow:hidden;font-size:12px}
ul.key{display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0}
.chip{display:inline-block;padding:0 5px;border-radius:3px;font-variant-numeric:tabular-nums;
border:1px solid transparent;max-width:90px;overflow:hidden;text-overflow:ellipsis;
vertical-align:middle}ul.key .chip{max-width:none}
.chip.same{background:#fff;border-color:var(--line)}
.chip.moved{background:var(--amber-bg);border-color:var(--amber);font-weight:700}
.chip.flipped{background:var(--red-bg);border-color:var(--red);color:#7a1c12;font-weight:700}
.chip.refused{background:var(--grey-bg);color:#444;font-style:italic}
details.raw summary{font-size:11px}details.raw dt{font-size:11px;font-weight:600}
details.raw dd{margin:0 0 4px}
footer{color:var(--muted);font-size:12px;padding:16px 0}
"""
