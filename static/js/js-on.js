// Loaded first, without defer: styles that need JavaScript apply before the page is drawn.
document.documentElement.classList.replace("no-js", "js");
