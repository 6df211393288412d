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
 * @defgroup kernel_libnl_compat kernel_libnl_compat
 * @{ @ingroup kernel_libnl
 *
 * The one place that knows how strongSwan's kernel interface differs
 * between 5.9.8 and 6.0.x.  Everything is probed by configure on the headers
 * themselves (AC_CHECK_DECLS/AC_CHECK_MEMBERS), never derived from the version
 * number, so distribution backports are handled too.
 */

#ifndef KERNEL_LIBNL_COMPAT_H_
#define KERNEL_LIBNL_COMPAT_H_

#include <kernel/kernel_ipsec.h>
#include <kernel/kernel_listener.h>
#include <kernel/kernel_interface.h>

/* 5.9.10 renamed HW_OFFLOAD_YES to HW_OFFLOAD_CRYPTO and added packet offload */
#if HAVE_DECL_HW_OFFLOAD_PACKET
# define KL_HW_OFFLOAD_CRYPTO HW_OFFLOAD_CRYPTO
# define KL_HW_OFFLOAD_PACKET(x) ((x) == HW_OFFLOAD_PACKET)
#else
# define KL_HW_OFFLOAD_CRYPTO HW_OFFLOAD_YES
# define KL_HW_OFFLOAD_PACKET(x) FALSE
#endif

/* feature bits that older headers do not know are simply never announced */
#if !HAVE_DECL_KERNEL_SA_USE_TIME
# define KERNEL_SA_USE_TIME 0
#endif
#if !HAVE_DECL_KERNEL_ACQUIRE_SEQ
# define KERNEL_ACQUIRE_SEQ 0
#endif

/* per-CPU SAs (6.0.2): CPU_ID_MAX marks "not per-CPU" */
#if !HAVE_DECL_CPU_ID_MAX
# define CPU_ID_MAX UINT32_MAX
#endif

/** acquire sequence number of an SA (6.0.2), 0 if unknown */
#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_SEQ
# define KL_ADD_SA_SEQ(data) ((data)->seq)
#else
# define KL_ADD_SA_SEQ(data) 0
#endif

/** CPU of a per-CPU SA (6.0.2), CPU_ID_MAX if not per-CPU */
#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_CPU
# define KL_ADD_SA_CPU(data) ((data)->cpu)
#else
# define KL_ADD_SA_CPU(data) CPU_ID_MAX
#endif

/** IP-TFS don't-fragment flag (6.0.2) */
#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_IPTFS_DONT_FRAG
# define KL_ADD_SA_IPTFS_DONT_FRAG(data) ((data)->iptfs_dont_frag)
#else
# define KL_ADD_SA_IPTFS_DONT_FRAG(data) FALSE
#endif

/** ICMP error forwarding on SAs (6.0.5) */
#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_FORWARD_ICMP
# define KL_ADD_SA_FORWARD_ICMP(data) ((data)->forward_icmp)
#else
# define KL_ADD_SA_FORWARD_ICMP(data) FALSE
#endif

/** HW offload mode of a policy (5.9.10) */
#ifdef HAVE_KERNEL_IPSEC_MANAGE_POLICY_T_HW_OFFLOAD
# define KL_POLICY_HW_OFFLOAD(data) ((data)->hw_offload)
#else
# define KL_POLICY_HW_OFFLOAD(data) HW_OFFLOAD_NO
#endif

/** per-CPU acquires of a policy (6.0.2) */
#ifdef HAVE_KERNEL_IPSEC_MANAGE_POLICY_T_PCPU_ACQUIRES
# define KL_POLICY_PCPU_ACQUIRES(data) ((data)->pcpu_acquires)
#else
# define KL_POLICY_PCPU_ACQUIRES(data) FALSE
#endif

/** ICMP error forwarding on policies (6.0.5) */
#ifdef HAVE_KERNEL_IPSEC_MANAGE_POLICY_T_FORWARD_ICMP
# define KL_POLICY_FORWARD_ICMP(data) ((data)->forward_icmp)
#else
# define KL_POLICY_FORWARD_ICMP(data) FALSE
#endif

#include <sa/task_manager.h>

/**
 * Total time charon retransmits an IKE request, in seconds (6.0.x replaced
 * task_manager_total_retransmit_timeout() by retransmission_timeout_total()).
 */
static inline u_int kl_total_retransmit_timeout()
{
#if HAVE_DECL_RETRANSMISSION_TIMEOUT_TOTAL
	retransmission_t settings;

	retransmission_parse_default(&settings);
	return retransmission_timeout_total(&settings);
#else
	return task_manager_total_retransmit_timeout();
#endif
}

/**
 * Fill the version-dependent fields of an acquire.
 *
 * @param data		acquire data to complete
 * @param seq		sequence number of the kernel's larval state
 * @param cpu		CPU of a per-CPU acquire, CPU_ID_MAX if none
 */
static inline void kl_acquire_data_set(kernel_acquire_data_t *data,
									   uint32_t seq, uint32_t cpu)
{
#ifdef HAVE_KERNEL_ACQUIRE_DATA_T_SEQ
	data->seq = seq;
#endif
#ifdef HAVE_KERNEL_ACQUIRE_DATA_T_CPU
	data->cpu = cpu;
#endif
	(void)data; (void)seq; (void)cpu;
}

#endif /** KERNEL_LIBNL_COMPAT_H_ @}*/
