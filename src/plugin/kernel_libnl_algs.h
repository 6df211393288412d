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
 * @defgroup kernel_libnl_algs kernel_libnl_algs
 * @{ @ingroup kernel_libnl
 *
 * IKE transform IDs to Linux crypto API names, as kernel-netlink maps them,
 * plus AEAD ICV sizes and integrity truncation lengths.  IDs without a
 * built-in name are looked up in the algorithms other plugins registered
 * with charon's kernel interface (kernel_interface_t.lookup_algorithm).
 */

#ifndef KERNEL_LIBNL_ALGS_H_
#define KERNEL_LIBNL_ALGS_H_

#include <library.h>
#include <crypto/transform.h>

/**
 * Kernel name of an encryption or AEAD algorithm.
 *
 * @param alg		IKE encryption algorithm (encryption_algorithm_t)
 * @param icv_bits	receives the ICV length in bits for AEADs, 0 otherwise
 * @return			kernel name, NULL if unknown
 */
const char *kernel_libnl_alg_encr(uint16_t alg, u_int *icv_bits);

/**
 * Kernel name of an integrity algorithm.
 *
 * @param alg		IKE integrity algorithm (integrity_algorithm_t)
 * @param trunc_bits	receives the truncation length in bits if it has to be
 *					given explicitly (XFRMA_ALG_AUTH_TRUNC), 0 if the
 *					kernel's default applies (XFRMA_ALG_AUTH)
 * @return			kernel name, NULL if unknown
 */
const char *kernel_libnl_alg_integ(uint16_t alg, u_int *trunc_bits);

/**
 * Kernel name of an IPComp algorithm.
 *
 * @param alg		IPComp transform (ipcomp_transform_t)
 * @return			kernel name, NULL if unknown
 */
const char *kernel_libnl_alg_comp(uint16_t alg);

#endif /** KERNEL_LIBNL_ALGS_H_ @}*/
