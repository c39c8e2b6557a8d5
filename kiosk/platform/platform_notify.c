/* platform_notify.c — tells systemd how the kiosk is (sd_notify): READY=1
 * once the first frame is on screen, WATCHDOG=1 from the frame loop, and
 * STOPPING=1 when asked to stop. See platform_int.h.
 *
 * The unit runs the kiosk under cage, so systemd's main process is cage,
 * our parent: the unit needs NotifyAccess=all, and the watchdog it sets
 * names cage's PID (WATCHDOG_PID), which sd_watchdog_enabled() takes as
 * "not for this process". The kiosk is the one whose frames matter, so it
 * also pets a watchdog set for its parent. Without NOTIFY_SOCKET (a run
 * from a terminal) every call here does nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "platform_int.h"

void platform_notify_init(platform *p)
{
    uint64_t usec = 0;
    p->wd_every_ms = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0) {
        const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
        usec = 0;
        if (us && pid && strtol(pid, NULL, 10) == (long)getppid())
            usec = strtoull(us, NULL, 10);
    }
    if (usec > 0) {
        /* Three times per period: at least every WatchdogSec/2, with room
         * for a slow frame. */
        p->wd_every_ms = (int64_t)(usec / 3000);
        if (p->wd_every_ms < 1)
            p->wd_every_ms = 1;
    }
    p->wd_last_ms = (int64_t)SDL_GetTicks64();
}

int64_t platform_notify_due(const platform *p)
{
    return p->wd_every_ms ? p->wd_last_ms + p->wd_every_ms : INT64_MAX;
}

void platform_notify_pet(platform *p)
{
    int64_t now = (int64_t)SDL_GetTicks64();
    if (!p->wd_every_ms || now < p->wd_last_ms + p->wd_every_ms)
        return;
    sd_notify(0, "WATCHDOG=1");
    p->wd_last_ms = now;
}

void platform_notify_ready(platform *p)
{
    if (p->ready)
        return;
    p->ready = 1;
    sd_notify(0, "READY=1\nSTATUS=En pantalla");
}

void platform_notify_stopping(platform *p)
{
    (void)p;
    sd_notify(0, "STOPPING=1");
}
