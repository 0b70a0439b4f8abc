/*
 * The product's version, printed by "elaaoms --version" (raise it with
 * each release; docs/DEPLOYMENT.md, "Upgrades").
 */

#ifndef ELAAOMS_WORKER_VERSION_H
#define ELAAOMS_WORKER_VERSION_H

#define ELAAOMS_VERSION  "0.9.0"

#endif /* ELAAOMS_WORKER_VERSION_H */
