// Småjob's small enhancements for every page. Each one is progressive: the page works
// without this file (the Content-Security-Policy allows scripts from our own origin only).
"use strict";
