int saker_probe_placeholder(void) { return 0; }
