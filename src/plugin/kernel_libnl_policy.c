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

#include "kernel_libnl_policy.h"
#include "kernel_libnl_policy_store.h"
#include "kernel_libnl_spdh.h"
#include "kernel_libnl_selector.h"
#include "kernel_libnl_xattr.h"
#include "kernel_libnl_compat.h"

#include <dlfcn.h>
#include <errno.h>
#include <time.h>
#include <net/if.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/xfrm.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/lifetime.h>
#include <netlink/xfrm/template.h>
#include <netlink/route/link.h>
#include <netlink/route/link/xfrmi.h>

#include <daemon.h>
#include <collections/array.h>
#include <threading/mutex.h>

/** priority of the global IKE port bypass policies */
#define PORT_BYPASS_PRIORITY 32

typedef struct private_kernel_libnl_policy_t private_kernel_libnl_policy_t;

/**
 * Custom priority hook (kernel-netlink's kernel_netlink_get_priority_custom)
 */
typedef uint32_t (*get_priority_t)(kernel_ipsec_policy_id_t *id,
								   kernel_ipsec_manage_policy_t *data);

/**
 * Private data of a kernel_libnl_policy_t object.
 */
struct private_kernel_libnl_policy_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_policy_t public;

	/**
	 * Request sockets
	 */
	kernel_libnl_socket_t *socket;

	/**
	 * Installed policies and their users
	 */
	kernel_libnl_policy_store_t *store;

	/**
	 * SPD hash thresholds (spdh_thresh.*)
	 */
	kernel_libnl_spdh_t *spdh;

	/**
	 * Install routes along tunnel/pass OUT policies (charon.install_routes)
	 */
	bool install_routes;

	/**
	 * Also for policies with an interface ID, via the XFRM interface
	 */
	bool install_routes_xfrmi;

	/**
	 * Always use UPDPOLICY
	 */
	bool policy_update;

	/**
	 * Custom priority function, if any
	 */
	get_priority_t get_priority;

	/**
	 * Installed port bypasses, bypass_t
	 */
	array_t *bypass;

	/**
	 * Protects bypass
	 */
	mutex_t *mutex;
};

/**
 * Route installed along an OUT policy.
 */
typedef struct {
	/** destination net */
	chunk_t dst_net;
	/** its prefix length */
	uint8_t prefixlen;
	/** gateway, or NULL */
	host_t *gateway;
	/** source address */
	host_t *src_ip;
	/** interface */
	char *if_name;
	/** for a pass policy */
	bool pass;
} route_t;

/**
 * Global IKE bypass policy for a local port.
 */
typedef struct {
	/** address family */
	int family;
	/** layer 4 protocol */
	int proto;
	/** port, network order */
	uint16_t port;
} bypass_t;

/**
 * Destroy a route
 */
static void route_destroy(route_t *route)
{
	if (route)
	{
		DESTROY_IF(route->gateway);
		DESTROY_IF(route->src_ip);
		free(route->if_name);
		chunk_free(&route->dst_net);
		free(route);
	}
}

/**
 * Compare two optional addresses
 */
static bool addrs_equal(host_t *a, host_t *b)
{
	return (!a && !b) || (a && b && a->ip_equals(a, b));
}

/**
 * Compare two routes
 */
static bool route_equals(route_t *a, route_t *b)
{
	return streq(a->if_name, b->if_name) &&
		   a->pass == b->pass && a->prefixlen == b->prefixlen &&
		   chunk_equals(a->dst_net, b->dst_net) &&
		   addrs_equal(a->src_ip, b->src_ip) &&
		   addrs_equal(a->gateway, b->gateway);
}

/**
 * Format the mark for the log
 */
static void format_mark(char *buf, int len, mark_t mark)
{
	if (mark.value | mark.mask)
	{
		snprintf(buf, len, " (mark %u/0x%08x)", mark.value, mark.mask);
	}
}

/**
 * Format the security label for the log
 */
static void format_label(char *buf, int len, sec_label_t *label)
{
	if (label)
	{
		snprintf(buf, len, " (ctx %s)", label->get_string(label));
	}
}

/**
 * Kernel's policy mode of an IPsec mode
 */
static uint8_t mode2kernel(ipsec_mode_t mode)
{
	switch (mode)
	{
		case MODE_TRANSPORT:
			return XFRM_MODE_TRANSPORT;
		case MODE_TUNNEL:
			return XFRM_MODE_TUNNEL;
		case MODE_BEET:
			return XFRM_MODE_BEET;
#if HAVE_DECL_MODE_IPTFS
		case MODE_IPTFS:
			return 5; /* XFRM_MODE_IPTFS */
#endif
		default:
			return mode;
	}
}

/**
 * Whether a mode puts outer addresses into the template
 */
static bool mode_has_outer(ipsec_mode_t mode)
{
	switch (mode)
	{
		case MODE_TUNNEL:
		case MODE_BEET:
#if HAVE_DECL_MODE_IPTFS
		case MODE_IPTFS:
#endif
			return TRUE;
		default:
			return FALSE;
	}
}

/**
 * An nl_addr for an xfrm address
 */
static struct nl_addr *xfrm2nl(int family, xfrm_address_t *addr)
{
	return nl_addr_build(family, addr, family == AF_INET ? 4 : 16);
}

/**
 * An nl_addr for a host
 */
static struct nl_addr *host2nl(host_t *host)
{
	chunk_t addr = host->get_address(host);

	return nl_addr_build(host->get_family(host), addr.ptr, addr.len);
}

/**
 * Set a libnl selector from a kernel selector
 */
static void set_sel(struct xfrmnl_sp *sp, struct xfrm_selector *xsel)
{
	struct xfrmnl_sel *sel;
	struct nl_addr *addr;

	sel = xfrmnl_sel_alloc();
	addr = xfrm2nl(xsel->family, &xsel->daddr);
	xfrmnl_sel_set_daddr(sel, addr);
	nl_addr_put(addr);
	addr = xfrm2nl(xsel->family, &xsel->saddr);
	xfrmnl_sel_set_saddr(sel, addr);
	nl_addr_put(addr);
	/* libnl takes ports in host order */
	xfrmnl_sel_set_dport(sel, ntohs(xsel->dport));
	xfrmnl_sel_set_dportmask(sel, ntohs(xsel->dport_mask));
	xfrmnl_sel_set_sport(sel, ntohs(xsel->sport));
	xfrmnl_sel_set_sportmask(sel, ntohs(xsel->sport_mask));
	xfrmnl_sel_set_family(sel, xsel->family);
	xfrmnl_sel_set_prefixlen_d(sel, xsel->prefixlen_d);
	xfrmnl_sel_set_prefixlen_s(sel, xsel->prefixlen_s);
	xfrmnl_sel_set_proto(sel, xsel->proto);
	xfrmnl_sel_set_ifindex(sel, xsel->ifindex);
	xfrmnl_sel_set_userid(sel, xsel->user);
	xfrmnl_sp_set_sel(sp, sel);
	xfrmnl_sel_put(sel);
}

/**
 * Policies never expire
 */
static void set_lifetime(struct xfrmnl_sp *sp)
{
	struct xfrmnl_ltime_cfg *lft;

	lft = xfrmnl_ltime_cfg_alloc();
	xfrmnl_ltime_cfg_set_soft_bytelimit(lft, XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_bytelimit(lft, XFRM_INF);
	xfrmnl_ltime_cfg_set_soft_packetlimit(lft, XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_packetlimit(lft, XFRM_INF);
	xfrmnl_sp_set_lifetime_cfg(sp, lft);
	xfrmnl_ltime_cfg_put(lft);
}

/**
 * Set the security label (SELinux context) on a policy, unless it has to be
 * appended raw (kernel_libnl_xattr_label_raw())
 */
static void set_label(struct xfrmnl_sp *sp, sec_label_t *label)
{
	chunk_t enc;

	if (label && !kernel_libnl_xattr_label_raw(label))
	{
		enc = label->get_encoding(label);
		xfrmnl_sp_set_sec_ctx(sp, 0, XFRMA_SEC_CTX, XFRM_SC_ALG_SELINUX,
							  XFRM_SC_DOI_LSM, enc.len, enc.ptr);
	}
}

/**
 * Add the templates of an IPsec mapping: COMP, ESP, AH; the first in the
 * SA's mode, the others in transport mode
 */
static void add_templates(struct xfrmnl_sp *sp, kernel_libnl_policy_key_t *key,
						  kernel_libnl_policy_mapping_t *mapping)
{
	ipsec_sa_cfg_t *cfg = &mapping->sa;
	struct {
		uint8_t proto;
		uint32_t spi;
		bool use;
	} protos[] = {
		{ IPPROTO_COMP, htonl(ntohs(cfg->ipcomp.cpi)),
		  cfg->ipcomp.transform != IPCOMP_NONE },
		{ IPPROTO_ESP, cfg->esp.spi, cfg->esp.use },
		{ IPPROTO_AH, cfg->ah.spi, cfg->ah.use },
	};
	struct xfrmnl_user_tmpl *tmpl;
	ipsec_mode_t mode = cfg->mode;
	struct nl_addr *addr;
	xfrm_address_t any = {};
	int family, i;

	family = mapping->src->get_family(mapping->src);
	for (i = 0; i < countof(protos); i++)
	{
		if (!protos[i].use)
		{
			continue;
		}
		tmpl = xfrmnl_user_tmpl_alloc();
		xfrmnl_user_tmpl_set_reqid(tmpl, cfg->reqid);
		xfrmnl_user_tmpl_set_proto(tmpl, protos[i].proto);
		/* the SPI lets the kernel pick the right outbound SA, except when
		 * SAs with different labels or per-CPU SAs must all match */
		if (key->dir == POLICY_OUT && !key->label && !mapping->pcpu_acquires)
		{	/* libnl wants it in host order */
			xfrmnl_user_tmpl_set_spi(tmpl, ntohl(protos[i].spi));
		}
		xfrmnl_user_tmpl_set_aalgos(tmpl, ~0);
		xfrmnl_user_tmpl_set_ealgos(tmpl, ~0);
		xfrmnl_user_tmpl_set_calgos(tmpl, ~0);
		xfrmnl_user_tmpl_set_mode(tmpl, mode2kernel(mode));
		xfrmnl_user_tmpl_set_optional(tmpl, protos[i].proto == IPPROTO_COMP &&
									  key->dir != POLICY_OUT);
		xfrmnl_user_tmpl_set_family(tmpl, family);
		if (mode_has_outer(mode))
		{
			addr = host2nl(mapping->src);
			xfrmnl_user_tmpl_set_saddr(tmpl, addr);
			nl_addr_put(addr);
			addr = host2nl(mapping->dst);
			xfrmnl_user_tmpl_set_daddr(tmpl, addr);
			nl_addr_put(addr);
		}
		else
		{	/* libnl copies whatever address is set, never none */
			addr = xfrm2nl(family, &any);
			xfrmnl_user_tmpl_set_saddr(tmpl, addr);
			xfrmnl_user_tmpl_set_daddr(tmpl, addr);
			nl_addr_put(addr);
		}
		xfrmnl_sp_add_usertemplate(sp, tmpl);
		/* further SAs are applied in transport mode */
		mode = MODE_TRANSPORT;
	}
}

/**
 * Interface to offload a policy to (packet offload), 0 if none, -1 if
 * packet offload is required but there is no interface
 */
static int offload_ifindex(kernel_libnl_policy_key_t *key,
						   kernel_libnl_policy_mapping_t *mapping)
{
	host_t *local;
	char *ifname;
	int ifindex = 0;

	if (!KL_HW_OFFLOAD_PACKET(mapping->hw_offload) &&
		mapping->hw_offload != HW_OFFLOAD_AUTO)
	{
		return 0;
	}
	switch (key->dir)
	{
		case POLICY_OUT:
			local = mapping->src;
			break;
		case POLICY_IN:
			local = mapping->dst;
			break;
		default:
			/* FWD policies are enforced by the kernel, never offloaded */
			return 0;
	}
	if (charon && !local->is_anyaddr(local) &&
		charon->kernel->get_interface(charon->kernel, local, &ifname))
	{
		ifindex = if_nametoindex(ifname);
		free(ifname);
	}
	if (!ifindex)
	{
		ifindex = key->sel.ifindex;
	}
	if (!ifindex && KL_HW_OFFLOAD_PACKET(mapping->hw_offload))
	{
		DBG1(DBG_KNL, "no interface found for packet HW offload of policy");
		return -1;
	}
	return ifindex;
}

/**
 * Build a NEWPOLICY/UPDPOLICY request for a mapping
 *
 * @param offload	receives TRUE if XFRMA_OFFLOAD_DEV was added
 */
static struct nl_msg *build_policy(int type, kernel_libnl_policy_key_t *key,
								   kernel_libnl_policy_mapping_t *mapping,
								   bool try_offload, bool *offload)
{
	struct xfrmnl_sp *sp;
	struct nl_msg *msg = NULL;
	uint8_t flags = 0;
	int ifindex, err;

	*offload = FALSE;
	sp = xfrmnl_sp_alloc();
	if (!sp)
	{
		return NULL;
	}
	set_sel(sp, &key->sel);
	set_lifetime(sp);
	xfrmnl_sp_set_dir(sp, key->dir);
	xfrmnl_sp_set_priority(sp, mapping->priority);
	xfrmnl_sp_set_action(sp, mapping->type == POLICY_DROP ? XFRM_POLICY_BLOCK
														  : XFRM_POLICY_ALLOW);
	xfrmnl_sp_set_share(sp, XFRM_SHARE_ANY);
	if (mapping->pcpu_acquires)
	{
		flags |= 0x4; /* XFRM_POLICY_CPU_ACQUIRE */
	}
	if (mapping->forward_icmp && mapping->type == POLICY_IPSEC &&
		key->dir != POLICY_IN)
	{
		flags |= XFRM_POLICY_ICMP;
	}
	if (flags)
	{
		xfrmnl_sp_set_flags(sp, flags);
	}
	if (mapping->type == POLICY_IPSEC && mapping->sa.reqid)
	{
		add_templates(sp, key, mapping);
	}
	if (mapping->mark.value | mapping->mark.mask)
	{
		xfrmnl_sp_set_mark(sp, mapping->mark.value, mapping->mark.mask);
	}
	set_label(sp, key->label);

	if (type == XFRM_MSG_UPDPOLICY)
	{
		err = xfrmnl_sp_build_update_request(sp, NLM_F_REQUEST, &msg);
	}
	else
	{
		err = xfrmnl_sp_build_add_request(sp, NLM_F_REQUEST, &msg);
	}
	xfrmnl_sp_put(sp);
	if (err < 0 || !msg)
	{
		return NULL;
	}
	if (!kernel_libnl_xattr_policy_if_id(&msg, mapping->if_id) ||
		(kernel_libnl_xattr_label_raw(key->label) &&
		 !kernel_libnl_xattr_sec_ctx(&msg, key->label)))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	/* offload last, so it could be chopped off as kernel-netlink does */
	ifindex = try_offload ? offload_ifindex(key, mapping) : 0;
	if (ifindex < 0)
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	if (ifindex)
	{
		if (!kernel_libnl_xattr_policy_offload(&msg, ifindex,
											   XFRM_OFFLOAD_PACKET))
		{
			kernel_libnl_msg_free(msg);
			return NULL;
		}
		*offload = TRUE;
	}
	return msg;
}

/**
 * Build a DELPOLICY request by selector
 */
static struct nl_msg *build_delete(struct xfrm_selector *xsel, uint8_t dir,
								   mark_t mark, uint32_t if_id,
								   sec_label_t *label)
{
	struct xfrmnl_sp *sp;
	struct nl_msg *msg = NULL;
	int err;

	sp = xfrmnl_sp_alloc();
	if (!sp)
	{
		return NULL;
	}
	set_sel(sp, xsel);
	xfrmnl_sp_set_dir(sp, dir);
	if (mark.value | mark.mask)
	{
		xfrmnl_sp_set_mark(sp, mark.value, mark.mask);
	}
	set_label(sp, label);
	err = xfrmnl_sp_build_delete_request(sp, NLM_F_REQUEST, &msg);
	xfrmnl_sp_put(sp);
	if (err < 0 || !msg)
	{
		return NULL;
	}
	if (!kernel_libnl_xattr_policy_if_id(&msg, if_id) ||
		(kernel_libnl_xattr_label_raw(label) &&
		 !kernel_libnl_xattr_sec_ctx(&msg, label)))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * Send a NEWPOLICY/UPDPOLICY for a mapping, with kernel-netlink's fallbacks
 */
static status_t send_policy(private_kernel_libnl_policy_t *this,
							kernel_libnl_policy_key_t *key,
							kernel_libnl_policy_mapping_t *mapping,
							bool update, kernel_libnl_error_t *err)
{
	int type = update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY;
	bool try_offload = TRUE, offload;
	struct nl_msg *msg;
	status_t status;

	while (TRUE)
	{
		msg = build_policy(type, key, mapping, try_offload, &offload);
		if (!msg)
		{	/* or no device for required packet offload */
			*err = (kernel_libnl_error_t){ .error = ENODEV };
			return FAILED;
		}
		status = this->socket->request(this->socket, msg, NULL, NULL, err);
		if (status != SUCCESS && offload &&
			mapping->hw_offload == HW_OFFLOAD_AUTO)
		{
			DBG1(DBG_KNL, "failed to install policy with packet HW offload, "
				 "trying without offload");
			try_offload = FALSE;
			continue;
		}
		if (status == ALREADY_DONE && type == XFRM_MSG_NEWPOLICY)
		{
			DBG1(DBG_KNL, "policy already exists, try to update it");
			type = XFRM_MSG_UPDPOLICY;
			continue;
		}
		return status;
	}
}

/**
 * Find the XFRM interface with the given interface ID
 */
static bool find_xfrmi(uint32_t if_id, char **name)
{
	struct nl_sock *sk;
	struct nl_cache *cache;
	struct nl_object *obj;
	struct rtnl_link *link;
	uint32_t id;
	char *type;
	bool found = FALSE;

	sk = nl_socket_alloc();
	if (!sk)
	{
		return FALSE;
	}
	if (nl_connect(sk, NETLINK_ROUTE) == 0 &&
		rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache) == 0)
	{
		for (obj = nl_cache_get_first(cache); obj && !found;
			 obj = nl_cache_get_next(obj))
		{
			link = (struct rtnl_link*)obj;
			type = rtnl_link_get_type(link);
			if (type && streq(type, "xfrm") &&
				rtnl_link_xfrmi_get_if_id(link, &id) == 0 && id == if_id)
			{
				*name = strdup(rtnl_link_get_name(link));
				found = TRUE;
			}
		}
		nl_cache_free(cache);
	}
	nl_socket_free(sk);
	return found;
}

/**
 * Remove a route installed with a policy
 */
static void uninstall_route(kernel_libnl_policy_key_t *key, route_t *route,
							traffic_selector_t *src_ts,
							traffic_selector_t *dst_ts)
{
	if (charon->kernel->del_route(charon->kernel, route->dst_net,
								  route->prefixlen, route->gateway,
								  route->src_ip, route->if_name,
								  route->pass) != SUCCESS)
	{
		DBG1(DBG_KNL, "error uninstalling route installed with policy "
			 "%R === %R %N", src_ts, dst_ts, policy_dir_names, key->dir);
	}
}

/**
 * Install a route along an OUT policy, as kernel-netlink does
 */
static void install_route(private_kernel_libnl_policy_t *this,
						  kernel_libnl_policy_entry_t *entry,
						  kernel_libnl_policy_mapping_t *mapping)
{
	kernel_libnl_policy_key_t *key = kernel_libnl_policy_entry_key(entry);
	route_t **installed = (route_t**)kernel_libnl_policy_entry_data(entry);
	route_t *route;
	host_t *iface;

	if (!mapping->src_ts || !mapping->dst_ts)
	{
		return;
	}
	INIT(route,
		.prefixlen = key->sel.prefixlen_d,
		.pass = mapping->type == POLICY_PASS,
	);
	if (charon->kernel->get_address_by_ts(charon->kernel, mapping->src_ts,
										  &route->src_ip, NULL) != SUCCESS)
	{
		if (!route->pass)
		{
			free(route);
			return;
		}
		/* pass policies may go without source address */
		route->src_ip = host_create_any(key->sel.family);
	}
	if (!mapping->dst->is_anyaddr(mapping->dst))
	{	/* via the XFRM interface with the policy's ID, if enabled and
		 * found, otherwise via the interface to reach the peer */
		if (!key->if_id || !find_xfrmi(key->if_id, &route->if_name))
		{
			route->gateway = charon->kernel->get_nexthop(charon->kernel,
									mapping->dst, -1, mapping->src,
									&route->if_name);
		}
	}
	else
	{	/* shunt policies */
		iface = kernel_libnl_xfrm2host(key->sel.family, &key->sel.daddr, 0);
		route->gateway = charon->kernel->get_nexthop(charon->kernel, iface,
									key->sel.prefixlen_d, route->src_ip,
									&route->if_name);
		iface->destroy(iface);
	}
	route->dst_net = chunk_clone(chunk_create((u_char*)&key->sel.daddr,
								 key->sel.family == AF_INET ? 4 : 16));

	/* the interface of the local address, or for shunts of the source */
	if (!route->if_name)
	{
		iface = mapping->src;
		if (iface->is_anyaddr(iface))
		{
			iface = route->src_ip;
		}
		if (!charon->kernel->get_interface(charon->kernel, iface,
										   &route->if_name) &&
			!route->pass)
		{	/* pass policies don't need an interface */
			route_destroy(route);
			return;
		}
	}
	if (*installed)
	{
		if (route_equals(*installed, route))
		{
			route_destroy(route);
			return;
		}
		uninstall_route(key, *installed, mapping->src_ts, mapping->dst_ts);
		route_destroy(*installed);
		*installed = NULL;
	}

	DBG2(DBG_KNL, "installing route: %R via %H src %H dev %s",
		 mapping->dst_ts, route->gateway, route->src_ip, route->if_name);
	switch (charon->kernel->add_route(charon->kernel, route->dst_net,
									  route->prefixlen, route->gateway,
									  route->src_ip, route->if_name,
									  route->pass))
	{
		default:
			DBG1(DBG_KNL, "unable to install source route for %H",
				 route->src_ip);
			/* FALL */
		case ALREADY_DONE:
			/* someone else's route, leave it alone */
			route_destroy(route);
			break;
		case SUCCESS:
			*installed = route;
			break;
	}
}

/**
 * Install a route for an installed mapping if kernel-netlink would
 */
static void manage_route(private_kernel_libnl_policy_t *this,
						 kernel_libnl_policy_entry_t *entry,
						 kernel_libnl_policy_mapping_t *mapping)
{
	kernel_libnl_policy_key_t *key = kernel_libnl_policy_entry_key(entry);

	/* OUT policies only (one per CHILD_SA), not for protocols/ports, with
	 * an interface ID only if routes via XFRM interfaces are enabled, for
	 * pass policies and IPsec policies other than transport mode */
	if (charon && key->dir == POLICY_OUT && this->install_routes &&
		!key->sel.proto && !key->sel.dport && !key->sel.sport &&
		(this->install_routes_xfrmi || !key->if_id) &&
		(mapping->type == POLICY_PASS ||
		 (mapping->type == POLICY_IPSEC && mapping->sa.mode != MODE_TRANSPORT)))
	{
		install_route(this, entry, mapping);
	}
}

/**
 * Build the store key of a policy
 */
static void make_key(kernel_ipsec_policy_id_t *id,
					 kernel_libnl_policy_key_t *key)
{
	*key = (kernel_libnl_policy_key_t){
		.sel = kernel_libnl_ts2selector(id->src_ts, id->dst_ts, id->interface),
		.mark = id->mark.value & id->mark.mask,
		.if_id = id->if_id,
		.dir = id->dir,
		.label = id->label,
	};
}

/**
 * Priorities of a mapping
 */
static void set_priorities(private_kernel_libnl_policy_t *this,
						   kernel_libnl_policy_key_t *key,
						   kernel_ipsec_policy_id_t *id,
						   kernel_ipsec_manage_policy_t *data,
						   kernel_libnl_policy_mapping_t *mapping)
{
	mapping->auto_priority = kernel_libnl_policy_auto_priority(&key->sel,
											data->prio, id->interface != NULL);
	mapping->priority = this->get_priority ? this->get_priority(id, data)
										   : data->manual_prio;
	mapping->priority = mapping->priority ?: mapping->auto_priority;
}

/**
 * Mapping for a request
 */
static kernel_libnl_policy_mapping_t *make_mapping(
						private_kernel_libnl_policy_t *this,
						kernel_libnl_policy_key_t *key,
						kernel_ipsec_policy_id_t *id,
						kernel_ipsec_manage_policy_t *data, bool with_ts)
{
	kernel_libnl_policy_mapping_t *mapping;

	mapping = kernel_libnl_policy_mapping_create(data->type, data->src,
						data->dst, id->mark, id->if_id, data->sa,
						with_ts ? id->src_ts : NULL,
						with_ts ? id->dst_ts : NULL);
	mapping->hw_offload = KL_POLICY_HW_OFFLOAD(data);
	mapping->pcpu_acquires = KL_POLICY_PCPU_ACQUIRES(data);
	mapping->forward_icmp = KL_POLICY_FORWARD_ICMP(data);
	set_priorities(this, key, id, data, mapping);
	return mapping;
}

METHOD(kernel_libnl_policy_t, add_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	kernel_libnl_policy_key_t key;
	kernel_libnl_policy_mapping_t *mapping;
	kernel_libnl_policy_change_t change;
	kernel_libnl_error_t err;
	char markstr[32] = "", labelstr[128] = "", errstr[256];
	bool update;
	status_t status;

	format_mark(markstr, sizeof(markstr), id->mark);
	format_label(labelstr, sizeof(labelstr), id->label);
	make_key(id, &key);
	/* the traffic selectors are kept for routes only (OUT policies, and only
	 * if routes are installed at all: install_routes is never reloaded) */
	mapping = make_mapping(this, &key, id, data,
						   id->dir == POLICY_OUT && this->install_routes);

	this->store->add(this->store, &key, mapping, &change);
	if (change.action != KERNEL_LIBNL_POLICY_INSTALL)
	{
		DBG2(DBG_KNL, "policy %R === %R %N%s%s already exists, increasing "
			 "refcount", id->src_ts, id->dst_ts, policy_dir_names, id->dir,
			 markstr, labelstr);
	}
	if (change.action == KERNEL_LIBNL_POLICY_KEEP)
	{
		DBG2(DBG_KNL, "not updating policy %R === %R %N%s%s [priority %u, "
			 "refcount %u]", id->src_ts, id->dst_ts, policy_dir_names,
			 id->dir, markstr, labelstr, change.installed_priority,
			 change.refcount);
		return SUCCESS;
	}
	if (change.reqid_changed)
	{
		DBG1(DBG_CFG, "updating reqid for policy %R === %R %N%s%s from %u "
			 "to %u", id->src_ts, id->dst_ts, policy_dir_names, id->dir,
			 markstr, labelstr, change.old_reqid, change.mapping->sa.reqid);
	}
	update = change.action == KERNEL_LIBNL_POLICY_REPLACE ||
			 this->policy_update;
	DBG2(DBG_KNL, "%s policy %R === %R %N%s%s [priority %u, refcount %u]",
		 update ? "updating" : "adding", id->src_ts, id->dst_ts,
		 policy_dir_names, id->dir, markstr, labelstr,
		 change.mapping->priority, change.refcount);

	if (change.action == KERNEL_LIBNL_POLICY_INSTALL)
	{	/* a new kernel policy gets hashed right away */
		this->spdh->policy_added(this->spdh,
						&kernel_libnl_policy_entry_key(change.entry)->sel, id->dir);
	}
	status = send_policy(this, kernel_libnl_policy_entry_key(change.entry),
						 change.mapping, update, &err);
	if (status == SUCCESS)
	{
		manage_route(this, change.entry, change.mapping);
	}
	this->store->done(this->store, &change);
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to %s policy %R === %R %N%s%s: %s",
			 update ? "update" : "add", id->src_ts, id->dst_ts,
			 policy_dir_names, id->dir, markstr, labelstr,
			 kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
		return FAILED;
	}
	return SUCCESS;
}

/**
 * Reply handler of GETPOLICY: only the use time is needed, read from the
 * fixed header (length checked).  Not xfrmnl_sp_parse(): libnl-xfrm 3.7
 * leaks the selector's nl_addrs it builds there (two per call, found by
 * scripts/memcheck).
 */
static void query_reply(void *user, struct nlmsghdr *hdr)
{
	time_t *use_time = user;
	struct xfrm_userpolicy_info *info;

	if (hdr->nlmsg_type != XFRM_MSG_NEWPOLICY ||
		hdr->nlmsg_len < NLMSG_LENGTH(sizeof(struct xfrm_userpolicy_info)))
	{
		return;
	}
	info = NLMSG_DATA(hdr);
	*use_time = info->curlft.use_time;
}

METHOD(kernel_libnl_policy_t, query_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_query_policy_t *data, time_t *use_time)
{
	struct xfrm_selector sel;
	kernel_libnl_error_t err;
	struct nl_msg *msg;
	char markstr[32] = "", labelstr[128] = "", errstr[256];
	time_t used = -1;
	status_t status;

	format_mark(markstr, sizeof(markstr), id->mark);
	format_label(labelstr, sizeof(labelstr), id->label);
	DBG3(DBG_KNL, "querying policy %R === %R %N%s%s", id->src_ts, id->dst_ts,
		 policy_dir_names, id->dir, markstr, labelstr);

	sel = kernel_libnl_ts2selector(id->src_ts, id->dst_ts, id->interface);
	msg = kernel_libnl_xattr_policy_get(&sel, id->dir, id->mark, id->if_id,
										id->label);
	if (!msg)
	{
		return FAILED;
	}
	status = this->socket->request(this->socket, msg, query_reply, &used,
								   &err);
	if (status != SUCCESS || used == (time_t)-1)
	{
		if (status != SUCCESS)
		{
			DBG1(DBG_KNL, "querying policy failed: %s",
				 kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
		}
		DBG2(DBG_KNL, "unable to query policy %R === %R %N%s", id->src_ts,
			 id->dst_ts, policy_dir_names, id->dir, markstr);
		return FAILED;
	}
	if (used)
	{	/* the kernel reports wall clock time, charon wants monotonic */
		*use_time = time_monotonic(NULL) - (time(NULL) - used);
	}
	else
	{
		*use_time = 0;
	}
	return SUCCESS;
}

METHOD(kernel_libnl_policy_t, del_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	kernel_libnl_policy_key_t key, *installed_key;
	kernel_libnl_policy_mapping_t *mapping;
	kernel_libnl_policy_change_t change;
	kernel_libnl_error_t err;
	char markstr[32] = "", labelstr[128] = "", errstr[256];
	route_t **route;
	struct nl_msg *msg;
	status_t status;

	format_mark(markstr, sizeof(markstr), id->mark);
	format_label(labelstr, sizeof(labelstr), id->label);
	DBG2(DBG_KNL, "deleting policy %R === %R %N%s%s", id->src_ts, id->dst_ts,
		 policy_dir_names, id->dir, markstr, labelstr);

	make_key(id, &key);
	mapping = make_mapping(this, &key, id, data, FALSE);
	status = this->store->del(this->store, &key, mapping, &change);
	kernel_libnl_policy_mapping_destroy(mapping);
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "deleting policy %R === %R %N%s%s failed, not found",
			 id->src_ts, id->dst_ts, policy_dir_names, id->dir, markstr,
			 labelstr);
		return NOT_FOUND;
	}
	installed_key = kernel_libnl_policy_entry_key(change.entry);

	switch (change.action)
	{
		case KERNEL_LIBNL_POLICY_KEEP:
			DBG2(DBG_KNL, "policy still used by another CHILD_SA, not "
				 "removed");
			DBG2(DBG_KNL, "not updating policy %R === %R %N%s%s [priority "
				 "%u, refcount %u]", id->src_ts, id->dst_ts, policy_dir_names,
				 id->dir, markstr, labelstr, change.installed_priority,
				 change.refcount);
			return SUCCESS;
		case KERNEL_LIBNL_POLICY_REPLACE:
			DBG2(DBG_KNL, "policy still used by another CHILD_SA, not "
				 "removed");
			if (change.reqid_changed)
			{
				DBG1(DBG_CFG, "updating reqid for policy %R === %R %N%s%s "
					 "from %u to %u", id->src_ts, id->dst_ts,
					 policy_dir_names, id->dir, markstr, labelstr,
					 change.old_reqid, change.mapping->sa.reqid);
			}
			DBG2(DBG_KNL, "updating policy %R === %R %N%s%s [priority %u, "
				 "refcount %u]", id->src_ts, id->dst_ts, policy_dir_names,
				 id->dir, markstr, labelstr, change.mapping->priority,
				 change.refcount);
			status = send_policy(this, installed_key, change.mapping, TRUE,
								 &err);
			if (status == SUCCESS)
			{
				manage_route(this, change.entry, change.mapping);
			}
			this->store->done(this->store, &change);
			if (status != SUCCESS)
			{
				DBG1(DBG_KNL, "unable to update policy %R === %R %N%s%s: %s",
					 id->src_ts, id->dst_ts, policy_dir_names, id->dir,
					 markstr, labelstr,
					 kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
				return FAILED;
			}
			return SUCCESS;
		default:
			break;
	}

	/* last user gone: the route first, then the policy */
	route = (route_t**)kernel_libnl_policy_entry_data(change.entry);
	if (*route)
	{
		uninstall_route(installed_key, *route, id->src_ts, id->dst_ts);
		route_destroy(*route);
		*route = NULL;
	}
	msg = build_delete(&installed_key->sel, id->dir, id->mark, id->if_id,
					   id->label);
	if (msg)
	{
		status = this->socket->request(this->socket, msg, NULL, NULL, &err);
	}
	else
	{
		err = (kernel_libnl_error_t){ .error = ENOMEM };
		status = FAILED;
	}
	this->store->done(this->store, &change);
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to delete policy %R === %R %N%s%s: %s",
			 id->src_ts, id->dst_ts, policy_dir_names, id->dir, markstr,
			 labelstr, kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
		return FAILED;
	}
	return SUCCESS;
}

METHOD(kernel_libnl_policy_t, flush_policies, status_t,
	private_kernel_libnl_policy_t *this)
{
	kernel_libnl_error_t err;
	struct nl_msg *msg;
	char errstr[256];

	DBG2(DBG_KNL, "flushing all policies from SPD");
	msg = kernel_libnl_xattr_policy_flush();
	if (!msg ||
		this->socket->request(this->socket, msg, NULL, NULL, &err) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to flush SPD entries%s%s", msg ? ": " : "",
			 msg ? kernel_libnl_strerror(&err, errstr, sizeof(errstr)) : "");
		return FAILED;
	}
	return SUCCESS;
}

/**
 * Add or delete a global port bypass policy
 */
static status_t manage_bypass(private_kernel_libnl_policy_t *this, bool add,
							  policy_dir_t dir, bypass_t *bypass,
							  kernel_libnl_error_t *err)
{
	struct xfrm_selector sel = {
		.family = bypass->family,
		.proto = bypass->proto,
	};
	struct xfrmnl_sp *sp;
	struct nl_msg *msg = NULL;
	int ret;

	if (dir == POLICY_IN)
	{
		sel.dport = bypass->port;
		sel.dport_mask = 0xffff;
	}
	else
	{
		sel.sport = bypass->port;
		sel.sport_mask = 0xffff;
	}
	if (!add)
	{
		msg = build_delete(&sel, dir, (mark_t){}, 0, NULL);
	}
	else
	{
		sp = xfrmnl_sp_alloc();
		if (sp)
		{
			set_sel(sp, &sel);
			set_lifetime(sp);
			xfrmnl_sp_set_dir(sp, dir);
			xfrmnl_sp_set_priority(sp, PORT_BYPASS_PRIORITY);
			xfrmnl_sp_set_action(sp, XFRM_POLICY_ALLOW);
			xfrmnl_sp_set_share(sp, XFRM_SHARE_ANY);
			ret = xfrmnl_sp_build_add_request(sp, NLM_F_REQUEST, &msg);
			xfrmnl_sp_put(sp);
			if (ret < 0)
			{
				msg = NULL;
			}
		}
	}
	if (!msg)
	{
		*err = (kernel_libnl_error_t){ .error = ENOMEM };
		return FAILED;
	}
	return this->socket->request(this->socket, msg, NULL, NULL, err);
}

METHOD(kernel_libnl_policy_t, add_port_bypass, bool,
	private_kernel_libnl_policy_t *this, int fd, int family)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} saddr;
	socklen_t len = sizeof(saddr);
	bypass_t bypass = {
		.family = family,
	};
	kernel_libnl_error_t err;
	char errstr[256];

	if (getsockname(fd, &saddr.sa, &len) != 0)
	{
		return FALSE;
	}
	len = sizeof(bypass.proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &bypass.proto, &len) != 0)
	{	/* IKE sockets are UDP */
		bypass.proto = IPPROTO_UDP;
	}
	switch (family)
	{
		case AF_INET:
			bypass.port = saddr.in.sin_port;
			break;
		case AF_INET6:
			bypass.port = saddr.in6.sin6_port;
			break;
		default:
			return FALSE;
	}
	if (manage_bypass(this, TRUE, POLICY_IN, &bypass, &err) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to install IKE bypass policy for port %u: %s",
			 ntohs(bypass.port),
			 kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
		return FALSE;
	}
	if (manage_bypass(this, TRUE, POLICY_OUT, &bypass, &err) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to install IKE bypass policy for port %u: %s",
			 ntohs(bypass.port),
			 kernel_libnl_strerror(&err, errstr, sizeof(errstr)));
		manage_bypass(this, FALSE, POLICY_IN, &bypass, &err);
		return FALSE;
	}
	this->mutex->lock(this->mutex);
	array_insert_create_value(&this->bypass, sizeof(bypass_t), ARRAY_TAIL,
							  &bypass);
	this->mutex->unlock(this->mutex);
	DBG2(DBG_KNL, "kernel-libnl: IKE port %u bypasses IPsec (%s)",
		 ntohs(bypass.port), family == AF_INET ? "IPv4" : "IPv6");
	return TRUE;
}

/**
 * Destroy the route attached to a policy left at destroy
 */
static void route_data_destroy(void *data)
{
	route_destroy(data);
}

METHOD(kernel_libnl_policy_t, destroy, void,
	private_kernel_libnl_policy_t *this)
{
	kernel_libnl_error_t err;
	bypass_t bypass;

	while (array_remove(this->bypass, ARRAY_HEAD, &bypass))
	{
		manage_bypass(this, FALSE, POLICY_OUT, &bypass, &err);
		manage_bypass(this, FALSE, POLICY_IN, &bypass, &err);
	}
	array_destroy(this->bypass);
	this->spdh->destroy(this->spdh);
	this->store->destroy(this->store);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_policy_t *kernel_libnl_policy_create(kernel_libnl_socket_t *socket)
{
	private_kernel_libnl_policy_t *this;

	INIT(this,
		.public = {
			.add_policy = _add_policy,
			.query_policy = _query_policy,
			.del_policy = _del_policy,
			.flush_policies = _flush_policies,
			.add_port_bypass = _add_port_bypass,
			.destroy = _destroy,
		},
		.socket = socket,
		.store = kernel_libnl_policy_store_create(route_data_destroy),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.install_routes = lib->settings->get_bool(lib->settings,
						"%s.install_routes", TRUE, lib->ns),
		.install_routes_xfrmi = lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-libnl.install_routes_xfrmi", FALSE,
						lib->ns),
		.policy_update = lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-libnl.policy_update", FALSE,
						lib->ns),
	);

	this->get_priority = dlsym(RTLD_DEFAULT,
							   "kernel_libnl_get_priority_custom");
	if (!this->get_priority)
	{	/* drop-in for a hook written for kernel-netlink */
		this->get_priority = dlsym(RTLD_DEFAULT,
								   "kernel_netlink_get_priority_custom");
	}
	/* configured and automatic SPD hash thresholds */
	this->spdh = kernel_libnl_spdh_create(socket);
	return &this->public;
}
