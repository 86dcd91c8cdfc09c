#pragma once
int saker_probe_placeholder(void);
