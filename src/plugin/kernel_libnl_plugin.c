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

#include "kernel_libnl_plugin.h"
#include "kernel_libnl_ipsec.h"
#include "kernel_libnl_compat.h"
#include "kernel_libnl_msg.h"

#include <stdio.h>

#include <daemon.h>

/**
 * strongSwan 6.0.3+ refuses plugins whose version symbol does not match
 */
const char *kernel_libnl_plugin_version = STRONGSWAN_VERSION;

typedef struct private_kernel_libnl_plugin_t private_kernel_libnl_plugin_t;

/**
 * private data of kernel libnl plugin
 */
struct private_kernel_libnl_plugin_t {

	/**
	 * implements plugin interface
	 */
	kernel_libnl_plugin_t public;
};

METHOD(plugin_t, get_name, char*,
	private_kernel_libnl_plugin_t *this)
{
	return "kernel-libnl";
}

METHOD(plugin_t, get_features, int,
	private_kernel_libnl_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(kernel_ipsec_register, kernel_libnl_ipsec_create),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_kernel_libnl_plugin_t *this)
{
	u_int timeout;
	FILE *f;

	/* how long the kernel keeps larval (acquire) states; by default as long
	 * as charon retransmits an IKE request */
	timeout = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-libnl.xfrm_acq_expires",
						kl_total_retransmit_timeout(), lib->ns);
	f = fopen("/proc/sys/net/core/xfrm_acq_expires", "w");
	if (f)
	{
		fprintf(f, "%u", timeout);
		fclose(f);
	}
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_kernel_libnl_plugin_t *this)
{
	free(this);
}

/*
 * see header file
 */
plugin_t *kernel_libnl_plugin_create()
{
	private_kernel_libnl_plugin_t *this;

	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN))
	{
		DBG1(DBG_KNL, "kernel-libnl plugin requires CAP_NET_ADMIN capability");
		return NULL;
	}

	kernel_libnl_msg_init();

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);
	reload(this);
	return &this->public.plugin;
}
