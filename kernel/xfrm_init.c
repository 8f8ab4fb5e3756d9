/* The module's setup and teardown: the sockets, the events' handlers, the
 * refresh timer, and what the other files keep. On top of kernel/. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/nl.h"
#include "kernel/xfrm_priv.h"

int
xfrm_init(const struct xfrm_opts *opts)
{
	int ret;

	if (xfrm_ctx.req != NULL)
		return 0;
	if (opts != NULL)
		xfrm_ctx.opts = *opts;
	if (xfrm_ctx.opts.spi_min == 0 && xfrm_ctx.opts.spi_max == 0) {
		xfrm_ctx.opts.spi_min = IFL_XFRM_SPI_MIN;
		xfrm_ctx.opts.spi_max = IFL_XFRM_SPI_MAX;
	}
	if (xfrm_ctx.opts.spi_min < 0x100 || xfrm_ctx.opts.spi_min > xfrm_ctx.opts.spi_max) {
		log_err("xfrm: bad SPI range %#x-%#x", xfrm_ctx.opts.spi_min,
		    xfrm_ctx.opts.spi_max);
		return -EINVAL;
	}
	if (xfrm_ctx.opts.refresh_ms == 0)
		xfrm_ctx.opts.refresh_ms = IFL_XFRM_REFRESH_MS;
	xfrm_ctx.seq = (uint32_t)time(NULL);
	xfrm_ctx.req = nl_open(NETLINK_XFRM, 0);
	if (xfrm_ctx.req == NULL) {
		ret = -errno;
		log_err("xfrm: netlink socket: %s", strerror(errno));
		return ret;
	}
	xfrm_ctx.ev_msg = xfrm_event_dispatch;
	xfrm_ctx.ev_lost = xfrm_events_lost;
	if (!xfrm_ctx.opts.no_events && (ret = xfrm_events_open()) < 0)
		goto fail;
	/* without it (no event loop: tools) refreshes are read at once */
	if ((ret = xfrm_step_open()) < 0)
		log_debug("xfrm: no socket for refreshes in steps: %s", strerror(-ret));
	if (!xfrm_ctx.opts.no_timer) {
		xfrm_ctx.timer = loop_timer_new(xfrm_timer_fn, NULL);
		if (xfrm_ctx.timer == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
		loop_timer_name(xfrm_ctx.timer, "XFRM counters");
		loop_timer_set(xfrm_ctx.timer, xfrm_ctx.opts.refresh_ms);
	}
	return 0;
fail:
	xfrm_shutdown();
	return ret;
}

void
xfrm_shutdown(void)
{
	if (xfrm_ctx.timer != NULL)
		loop_timer_free(xfrm_ctx.timer);
	xfrm_events_close();
	xfrm_step_close();
	if (xfrm_ctx.req != NULL)
		mnl_socket_close(xfrm_ctx.req);
	xfrm_reg_free();
	xfrm_policy_uses_free();
	memset(&xfrm_ctx, 0, sizeof(xfrm_ctx));
}

void
xfrm_set_handlers(const struct xfrm_handlers *h)
{
	if (h != NULL)
		xfrm_ctx.h = *h;
	else
		memset(&xfrm_ctx.h, 0, sizeof(xfrm_ctx.h));
}
