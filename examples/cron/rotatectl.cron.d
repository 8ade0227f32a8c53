# /etc/cron.d/rotatectl: run rotatectl every hour at minute 17, as root.
# For configurations with `hourly` or size limits; logs set `daily` or slower are still rotated
# once a day, because the state file records when each was last rotated.
# Use this or /etc/cron.daily/rotatectl or the systemd timer, not several.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

17 * * * *   root   [ -x /usr/local/sbin/rotatectl ] && nice -n 19 /usr/local/sbin/rotatectl run /etc/rotatectl.conf
