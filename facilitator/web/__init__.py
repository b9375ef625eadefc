"""All of Flask: the house of stores the app holds, one door for every private link and set-up
(access, doors), one event layer for every Socket.IO namespace (realtime), and a module of pages
or events per stage. Each handler checks who asks, makes one call into a stage, and answers."""
