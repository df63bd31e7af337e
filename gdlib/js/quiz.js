(function(){var f=document.getElementById("__UID__");if(!f||f.dataset.ready)return;
f.dataset.ready="1";var fb=f.querySelector(".gdq-feedback"),ex=f.querySelector(".gdq-explanation");
function h(s){var x=0x811c9dc5;
for(var i=0;i<s.length;i++){x=Math.imul(x^s.charCodeAt(i),0x01000193)>>>0;}
return ("0000000"+x.toString(16)).slice(-8);}
f.querySelector(".gdq-check").addEventListener("click",function(){
var c=f.querySelector("input[type=radio]:checked");
if(!c){fb.textContent="Choose an answer first.";return;}
var ok=h("__UID__:"+c.value)===f.dataset.key;
fb.textContent=ok?"Correct.":"Not quite: try another answer.";ex.hidden=!ok;});})();
