/** The console's stylesheet (served as /__mock/ui/app.css). */
export const CONSOLE_CSS = `
:root { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; color: #1f2328; background: #f6f8fa; }
body { margin: 0; }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #24292f; color: #fff; }
header h1 { font-size: 1.05rem; margin: 0 1rem 0 0; }
header a { color: #d0d7de; text-decoration: none; }
header a.active { color: #fff; font-weight: 600; }
header nav { display: flex; gap: 1rem; }
header .spacer { flex: 1; }
header .scope { font-family: ui-monospace, monospace; font-size: .8rem; background: #57606a; border-radius: 4px; padding: .15rem .5rem; }
header button { background: #57606a; color: #fff; border: 0; border-radius: 4px; padding: .3rem .7rem; cursor: pointer; }
main { padding: 1rem; max-width: 1100px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.2rem; margin: .2rem 0 .6rem; }
h3 { font-size: 1rem; margin: .2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { color: #57606a; font-weight: 600; }
tr.hit { cursor: pointer; }
tr.hit:hover { background: #f3f4f6; }
input[type=search], input[type=password] { padding: .4rem .6rem; font-size: 1rem; width: 22rem; border: 1px solid #d0d7de; border-radius: 4px; }
form button { padding: .4rem .8rem; margin-left: .4rem; }
.tag { display: inline-block; background: #ddf4ff; color: #0969da; border-radius: 10px; padding: .05rem .6rem; margin: 0 .3rem .3rem 0; font-size: .85rem; }
.muted { color: #6e7781; }
.error { color: #cf222e; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { color: #57606a; }
dd { margin: 0; }
.department h3 { margin-top: .6rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-end; margin: .6rem 0; }
.field { display: inline-flex; flex-direction: column; gap: .2rem; font-size: .85rem; }
.field .label { color: #57606a; }
.field.invalid input, .field.invalid select { border-color: #cf222e; }
.field .issue { color: #cf222e; font-size: .8rem; }
select, input[type=text] { padding: .3rem .4rem; border: 1px solid #d0d7de; border-radius: 4px; font-size: .9rem; }
.error ul { margin: .2rem 0 0; padding-left: 1.2rem; }
.pager { display: flex; gap: .8rem; align-items: center; margin-top: .6rem; }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; margin-top: .6rem; }
button.danger { color: #cf222e; }
button.link { border: 0; background: none; color: #57606a; cursor: pointer; padding: 0 .3rem; }
button.link:hover { color: #0969da; }
.tag button { border: 0; background: none; color: #0969da; cursor: pointer; padding: 0 0 0 .3rem; }
.notice { color: #1a7f37; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .85rem; }
svg.bars .bar { fill: #0969da; }
svg.bars text { font-size: 12px; fill: #1f2328; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1rem; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .4rem 0; }
.row form button, .row button { margin-left: 0; }
tr.failed td { color: #cf222e; }
.detail { background: #f6f8fa; padding: .5rem .8rem; border-radius: 4px; }
.detail dd { word-break: break-all; }
.detail h4 { margin: .4rem 0 .2rem; font-size: .85rem; color: #57606a; }
pre { white-space: pre-wrap; word-break: break-all; font-size: .8rem; background: #fff; border: 1px solid #eaeef2; padding: .4rem; max-height: 24rem; overflow: auto; margin: 0; }
.chip { display: inline-block; border: 1px solid #d0d7de; color: #6e7781; border-radius: 10px; padding: 0 .5rem; margin: 0 .25rem .25rem 0; font-size: .8rem; }
.chip.covered { background: #dafbe1; border-color: #1a7f37; color: #1a7f37; }
button.toggle { border: 1px solid #d0d7de; background: #fff; border-radius: 4px; padding: .25rem .7rem; cursor: pointer; }
button.toggle.on { background: #ffebe9; border-color: #cf222e; color: #cf222e; }
`
