(function(){var r=document.getElementById("__UID__");if(!r||r.dataset.ready)return;
r.dataset.ready="1";var d=JSON.parse(r.querySelector("script.gdx-data").textContent);
var img=r.querySelector("img"),ins=r.querySelectorAll("input[type=range]"),
outs=r.querySelectorAll("output"),ro=r.querySelector(".gdx-readout");
d.frames[+img.dataset.frame]=img.getAttribute("src");
function upd(){var k=0;for(var i=0;i<ins.length;i++){var v=+ins[i].value;k=k*d.shape[i]+v;
outs[i].textContent=d.labels[i][v];
ins[i].setAttribute("aria-valuetext",d.names[i]+" = "+d.labels[i][v]);}
img.src=d.frames[k];img.alt=d.alts[k];img.dataset.frame=k;ro.textContent=d.readouts[k];}
for(var i=0;i<ins.length;i++){ins[i].addEventListener("input",upd);}})();
