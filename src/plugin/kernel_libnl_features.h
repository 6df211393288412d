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
 * @defgroup kernel_libnl_features kernel_libnl_features
 * @{ @ingroup kernel_libnl
 *
 * Kernel XFRM features probed at runtime (distribution backports are seen,
 * unlike kernel-netlink's uname() checks).
 */

#ifndef KERNEL_LIBNL_FEATURES_H_
#define KERNEL_LIBNL_FEATURES_H_

#include "kernel_libnl_socket.h"

typedef enum kernel_libnl_feature_t kernel_libnl_feature_t;

/**
 * Probed kernel features.
 */
enum kernel_libnl_feature_t {
	/** XFRMA_SA_DIR (Linux 6.10): echoed in the ALLOCSPI reply */
	KL_FEATURE_SA_DIR = (1<<0),
	/** XFRMA_LASTUSED updated for every SA (Linux 6.2) */
	KL_FEATURE_SA_LASTUSED = (1<<1),
	/** XFRM_MSG_MIGRATE compiled in (CONFIG_XFRM_MIGRATE) */
	KL_FEATURE_MIGRATE = (1<<2),
};

/**
 * Probe the kernel's features.
 *
 * SA direction: an SPI is allocated with XFRMA_SA_DIR for a loopback address
 * outside charon's SPI range and deleted again; kernels that know the
 * attribute report it back.  MIGRATE: an empty XFRM_MSG_MIGRATE is answered
 * with ENOPROTOOPT if the kernel lacks it, with another error otherwise.
 * Last-use time: implied by the SA direction (6.10 > 6.2); otherwise
 * uname() >= 6.2 (the kernel reports it only after traffic, so there is no
 * probe without side effects).
 *
 * @param socket	request sockets
 * @return			feature bits
 */
kernel_libnl_feature_t kernel_libnl_features_probe(kernel_libnl_socket_t *socket);

/**
 * Parse a NEWSA message's attributes for XFRMA_SA_DIR.
 *
 * @param hdr		XFRM_MSG_NEWSA message, length checked
 * @return			the direction, 0 if none
 */
uint8_t kernel_libnl_features_sa_dir(struct nlmsghdr *hdr);

/**
 * Check whether an interface supports ESP HW offload (ethtool feature
 * "esp-hw-offload").
 *
 * @param ifname	interface name
 * @return			TRUE if supported and active
 */
bool kernel_libnl_features_offload(const char *ifname);

#endif /** KERNEL_LIBNL_FEATURES_H_ @}*/
