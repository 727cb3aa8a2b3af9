#ifndef GS_SUGGEST_H
#define GS_SUGGEST_H
#endif
