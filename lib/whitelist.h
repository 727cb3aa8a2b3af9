#ifndef GS_WHITELIST_H
#define GS_WHITELIST_H
#endif
