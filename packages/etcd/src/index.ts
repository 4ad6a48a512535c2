export { etcd, etcd as default, type EtcdConfig } from './setup.js';
export { createEtcd, type EtcdOptions, type EtcdSource } from './etcd.js';
