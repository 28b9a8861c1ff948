// A scheduler plugin as a user would write it: plain CommonJS, no imports from Shoal.
module.exports = {
  filters: [
    {
      name: 'odd-cpus',
      stateful: false,
      prepare: (task) =>
        task.serviceId.startsWith('odd') ? (info) => info.node.resources.nanoCPUs % 2e9 !== 0 : undefined,
      explain: (nodes) => `${nodes} node(s) with an even CPU count`,
    },
  ],
  strategies: [
    {
      name: 'reverse-id',
      prepare: () => ({ compare: (a, b) => (a.node.id < b.node.id ? 1 : a.node.id > b.node.id ? -1 : 0) }),
    },
  ],
};
