#ifndef ROTATECTL_CDEFLATE_SHIM_H
#define ROTATECTL_CDEFLATE_SHIM_H
/* libdeflate: whole-buffer DEFLATE, used for files that fit in one read buffer. */
#include <libdeflate.h>
#endif
