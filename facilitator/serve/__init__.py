"""Running the server: `facilitator serve` (run), eventlet's server and its limits (server), one
server per database (lock), and the regional server's workers (workers)."""
