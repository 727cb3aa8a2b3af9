/* The action's parameters: rsyslog's table of them, their defaults, and the
 * checks that turn them into an instance's configuration. Every check that
 * fails logs an error naming the parameter (rsyslog's LogError) and makes
 * the function return -1. Main thread only (newActInst). */
#ifndef OMGS_PARAMS_H
#define OMGS_PARAMS_H

#include "instance.h"

struct nvlst;
struct cnfparamvals;

/* The action's parameter values from lst, or NULL when rsyslog rejects
 * them (it has said why). Free with omgs_params_free. */
struct cnfparamvals *omgs_params_get(struct nvlst *lst);

void omgs_params_free(struct cnfparamvals *pv);

/* Sets every configuration field of d to its default. */
void omgs_params_defaults(instanceData *d);

/* Copies the values in pv into d, checking each, then fills the paths that
 * default from others (stateFile, the corrupt-state path, ruleBase) and
 * checks them. d owns the strings it gets, also on failure. */
int omgs_params_apply(instanceData *d, struct cnfparamvals *pv);

/* annotate="on" needs the default direct queue: -1 if lst names another. */
int omgs_params_check_annotate_queue(struct nvlst *lst);

/* -1 if d's summary or state file is already used by an action in the list
 * that starts at others (linked by ->next). */
int omgs_params_check_unique(const instanceData *d, const instanceData *others);

#endif
