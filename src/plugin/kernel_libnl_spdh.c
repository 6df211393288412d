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

#include "kernel_libnl_spdh.h"
#include "kernel_libnl_xattr.h"

#include <daemon.h>
#include <threading/mutex.h>

typedef struct private_kernel_libnl_spdh_t private_kernel_libnl_spdh_t;

/**
 * Thresholds of one family
 */
typedef struct {
	/** lowered automatically (spdh_thresh.auto) */
	bool enabled;
	/** lbits/rbits were read from the kernel */
	bool known;
	/** XFRMA_SPD_IPV4_HTHRESH or XFRMA_SPD_IPV6_HTHRESH */
	int type;
	/** current local threshold */
	uint8_t lbits;
	/** current remote threshold */
	uint8_t rbits;
	/** lowest value we set */
	uint8_t floor;
	/** name for the log */
	char *name;
} thresh_t;

/**
 * Private data of a kernel_libnl_spdh_t object.
 */
struct private_kernel_libnl_spdh_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_spdh_t public;

	/**
	 * Request sockets
	 */
	kernel_libnl_socket_t *socket;

	/**
	 * IPv4 and IPv6 thresholds
	 */
	thresh_t v4, v6;

	/**
	 * Serialises threshold changes (rare: they only go down)
	 */
	mutex_t *mutex;
};

/*
 * Described in header
 */
bool kernel_libnl_spdh_lower(uint8_t *lbits, uint8_t *rbits,
							 struct xfrm_selector *sel, policy_dir_t dir,
							 uint8_t floor)
{
	uint8_t local, remote;
	bool changed = FALSE;

	if (dir == POLICY_OUT)
	{
		local = sel->prefixlen_s;
		remote = sel->prefixlen_d;
	}
	else
	{
		local = sel->prefixlen_d;
		remote = sel->prefixlen_s;
	}
	if (local < *lbits && local >= floor)
	{
		*lbits = local;
		changed = TRUE;
	}
	if (remote < *rbits && remote >= floor)
	{
		*rbits = remote;
		changed = TRUE;
	}
	return changed;
}

/**
 * Reply to GETSPDINFO: the thresholds of both families
 */
static void spdinfo_reply(void *user, struct nlmsghdr *hdr)
{
	private_kernel_libnl_spdh_t *this = user;
	thresh_t *t;
	uint8_t lbits, rbits;
	int i;

	for (i = 0; i < 2; i++)
	{
		t = i ? &this->v6 : &this->v4;
		if (kernel_libnl_xattr_spdinfo_parse(hdr, t->type, &lbits, &rbits))
		{
			t->lbits = lbits;
			t->rbits = rbits;
			t->known = TRUE;
		}
	}
}

/**
 * Read the kernel's thresholds of both families (one GETSPDINFO answers for
 * both), setting their known flags
 */
static void read_thresh(private_kernel_libnl_spdh_t *this)
{
	struct nl_msg *msg;

	msg = kernel_libnl_xattr_spdinfo_get();
	if (msg)
	{
		this->socket->request(this->socket, msg, spdinfo_reply, this, NULL);
	}
}

/**
 * Set the thresholds of a family in the kernel
 */
static bool set_thresh(private_kernel_libnl_spdh_t *this, thresh_t *t,
					   uint8_t lbits, uint8_t rbits)
{
	kernel_libnl_error_t err;
	struct nl_msg *msg;
	char errstr[256];

	msg = kernel_libnl_xattr_spdinfo_set(t->type, lbits, rbits);
	if (!msg ||
		this->socket->request(this->socket, msg, NULL, NULL, &err) != SUCCESS)
	{
		DBG1(DBG_KNL, "setting SPD hash threshold failed%s%s",
			 msg ? ": " : "",
			 msg ? kernel_libnl_strerror(&err, errstr, sizeof(errstr)) : "");
		return FALSE;
	}
	t->lbits = lbits;
	t->rbits = rbits;
	return TRUE;
}

METHOD(kernel_libnl_spdh_t, policy_added, void,
	private_kernel_libnl_spdh_t *this, struct xfrm_selector *sel,
	policy_dir_t dir)
{
	thresh_t *t;
	uint8_t lbits, rbits;

	switch (sel->family)
	{
		case AF_INET:
			t = &this->v4;
			break;
		case AF_INET6:
			t = &this->v6;
			break;
		default:
			return;
	}
	if (!t->enabled)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	lbits = t->lbits;
	rbits = t->rbits;
	if (kernel_libnl_spdh_lower(&lbits, &rbits, sel, dir, t->floor) &&
		set_thresh(this, t, lbits, rbits))
	{
		DBG1(DBG_KNL, "kernel-libnl: SPD hash threshold %s lowered to %u/%u "
			 "for installed policies", t->name, lbits, rbits);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_spdh_t, destroy, void,
	private_kernel_libnl_spdh_t *this)
{
	this->mutex->destroy(this->mutex);
	free(this);
}

/**
 * Whether the thresholds of a family are configured
 */
static bool configured(thresh_t *t)
{
	return lib->settings->get_str(lib->settings,
				"%s.plugins.kernel-libnl.spdh_thresh.%s.lbits", NULL, lib->ns,
				t->name) ||
		   lib->settings->get_str(lib->settings,
				"%s.plugins.kernel-libnl.spdh_thresh.%s.rbits", NULL, lib->ns,
				t->name);
}

/**
 * Apply the configured thresholds of a family (a side not configured keeps
 * the kernel's value)
 */
static void apply_configured(private_kernel_libnl_spdh_t *this, thresh_t *t)
{
	uint8_t lbits, rbits;

	if (!t->known)
	{
		DBG1(DBG_KNL, "getting SPD hash threshold failed");
		return;
	}
	lbits = lib->settings->get_int(lib->settings,
				"%s.plugins.kernel-libnl.spdh_thresh.%s.lbits", t->lbits,
				lib->ns, t->name);
	rbits = lib->settings->get_int(lib->settings,
				"%s.plugins.kernel-libnl.spdh_thresh.%s.rbits", t->rbits,
				lib->ns, t->name);
	if ((lbits != t->lbits || rbits != t->rbits) &&
		set_thresh(this, t, lbits, rbits))
	{
		DBG2(DBG_KNL, "kernel-libnl: SPD hash threshold %s set to %u/%u",
			 t->name, lbits, rbits);
	}
}

/**
 * Lower the thresholds of a family automatically from now on
 */
static void enable_auto(private_kernel_libnl_spdh_t *this, thresh_t *t)
{
	if (!t->known)
	{
		DBG1(DBG_KNL, "kernel-libnl: SPD hash thresholds unknown, "
			 "spdh_thresh.auto disabled for %s", t->name);
		return;
	}
	t->enabled = TRUE;
}

/*
 * Described in header
 */
kernel_libnl_spdh_t *kernel_libnl_spdh_create(kernel_libnl_socket_t *socket)
{
	private_kernel_libnl_spdh_t *this;
	bool auto_thresh;
	thresh_t *t;
	int i;

	INIT(this,
		.public = {
			.policy_added = _policy_added,
			.destroy = _destroy,
		},
		.socket = socket,
		.v4 = {
			.type = XFRMA_SPD_IPV4_HTHRESH,
			.floor = KERNEL_LIBNL_SPDH_FLOOR4,
			.name = "ipv4",
		},
		.v6 = {
			.type = XFRMA_SPD_IPV6_HTHRESH,
			.floor = KERNEL_LIBNL_SPDH_FLOOR6,
			.name = "ipv6",
		},
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);

	/* configured thresholds first (as the policies that follow need them),
	 * spdh_thresh.auto for the families without */
	auto_thresh = lib->settings->get_bool(lib->settings,
				"%s.plugins.kernel-libnl.spdh_thresh.auto", FALSE, lib->ns);
	if (auto_thresh || configured(&this->v4) || configured(&this->v6))
	{
		read_thresh(this);
	}
	for (i = 0; i < 2; i++)
	{
		t = i ? &this->v6 : &this->v4;
		if (configured(t))
		{
			apply_configured(this, t);
		}
		else if (auto_thresh)
		{
			enable_auto(this, t);
		}
	}
	return &this->public;
}
