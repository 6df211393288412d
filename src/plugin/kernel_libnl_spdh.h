/*
 * Copyright (C) 2026 kernel-libnl authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * @defgroup kernel_libnl_spdh kernel_libnl_spdh
 * @{ @ingroup kernel_libnl
 *
 * SPD hash thresholds: the configured ones (spdh_thresh.ipv4/ipv6.lbits/
 * rbits) set at start, or, for a family without, set from the prefixes
 * charon actually installs (spdh_thresh.auto).
 *
 * The kernel hashes a policy only if its local and remote prefixes are at
 * least as long as the thresholds (default /32 and /128), all others go into
 * lists searched linearly: with thousands of /24 tunnels every policy insert
 * and delete walks them.  With this option the thresholds are lowered to the
 * shortest prefixes installed (never below a floor, so a few 0.0.0.0/0
 * shunts do not turn the hash into one bucket).  Thresholds only ever go
 * down, each change makes the kernel rehash its SPD once.
 */

#ifndef KERNEL_LIBNL_SPDH_H_
#define KERNEL_LIBNL_SPDH_H_

#include "kernel_libnl_socket.h"

#include <linux/xfrm.h>
#include <ipsec/ipsec_types.h>

typedef struct kernel_libnl_spdh_t kernel_libnl_spdh_t;

/** shortest prefixes spdh_thresh.auto lowers the IPv4 thresholds to */
#define KERNEL_LIBNL_SPDH_FLOOR4 8
/** shortest prefixes spdh_thresh.auto lowers the IPv6 thresholds to */
#define KERNEL_LIBNL_SPDH_FLOOR6 32

/**
 * Automatic SPD hash thresholds.
 */
struct kernel_libnl_spdh_t {

	/**
	 * A new kernel policy is about to be installed: lower the thresholds of
	 * its family first if it would not be hashed otherwise.
	 *
	 * @param sel		selector of the policy
	 * @param dir		direction of the policy
	 */
	void (*policy_added)(kernel_libnl_spdh_t *this, struct xfrm_selector *sel,
						 policy_dir_t dir);

	/**
	 * Destroy this instance.
	 */
	void (*destroy)(kernel_libnl_spdh_t *this);
};

/**
 * Lower thresholds so that a policy's prefixes are covered.
 *
 * Local is the source prefix of outbound and the destination prefix of
 * inbound/forward policies (as the kernel's xfrm_hash_rebuild() maps them).
 *
 * @param lbits		local threshold, lowered if needed
 * @param rbits		remote threshold, lowered if needed
 * @param sel		selector of the policy
 * @param dir		direction of the policy
 * @param floor		thresholds are never lowered below this
 * @return			TRUE if a threshold changed
 */
bool kernel_libnl_spdh_lower(uint8_t *lbits, uint8_t *rbits,
							 struct xfrm_selector *sel, policy_dir_t dir,
							 uint8_t floor);

/**
 * Apply the configured SPD hash thresholds and create the automatic ones,
 * enabled by charon.plugins.kernel-libnl.spdh_thresh.auto for every family
 * whose thresholds are not configured explicitly.
 *
 * @param socket		request sockets
 * @return				instance (does nothing if disabled)
 */
kernel_libnl_spdh_t *kernel_libnl_spdh_create(kernel_libnl_socket_t *socket);

#endif /** KERNEL_LIBNL_SPDH_H_ @}*/
