/* Capability helpers for the agent (capget/capset and the bounding set, which Swift cannot call
 * directly because syscall(2) is variadic). */
#ifndef SAKER_PRIVILEGES_H
#define SAKER_PRIVILEGES_H

#include <stdint.h>

/** Reads the effective and permitted capability sets as bit masks. Returns 0 or -errno. */
int saker_capabilities(uint64_t *effective, uint64_t *permitted);

/** Drops every capability not in `keep` from the bounding, effective, permitted and inheritable
 * sets. Returns 0 or -errno. */
int saker_keep_only_capabilities(uint64_t keep);

#endif
