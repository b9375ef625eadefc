"""The live day: what may be contributed and when (contributions), the commands that change a day
(engine), what each screen is sent (screens), and the day's tables (store)."""
