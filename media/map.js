// The cluster map webview. Data arrives as JSON messages; the DOM is built with createElement and
// textContent only, so no name or label from the cluster is ever parsed as HTML.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const map = /** @type {HTMLElement} */ (document.getElementById('map'));
  const unassigned = /** @type {HTMLElement} */ (document.getElementById('unassigned'));
  const filterInput = /** @type {HTMLInputElement} */ (document.getElementById('filter'));
  const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const PALETTE = 12;

  const saved = vscode.getState() || {};
  filterInput.value = typeof saved.filter === 'string' ? saved.filter : '';
  let last = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function gib(bytes) {
    const value = bytes / 1024 ** 3;
    return value >= 10 ? `${Math.round(value)} GiB` : `${value.toFixed(1)} GiB`;
  }

  function cpus(value) {
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }

  function colourClass(index) {
    const n = Number(index);
    return `c${Number.isInteger(n) && n >= 0 ? n % PALETTE : 0}`;
  }

  function safeClass(value) {
    return String(value).replace(/[^a-z-]/g, '');
  }

  function taskBox(task, nodeName) {
    const box = el('div', `task ${colourClass(task.colour)}`);
    box.tabIndex = 0;
    box.setAttribute('role', 'button');
    box.dataset.search = `${task.service} ${task.label} ${nodeName}`.toLowerCase();
    box.title = `${task.label} \u2014 ${task.state}${nodeName ? ` on ${nodeName}` : ''}${task.error ? `\n${task.error}` : ''}`;
    box.appendChild(el('span', `dot ${safeClass(task.state)}`));
    box.appendChild(el('span', 'label', task.label));
    const open = () => vscode.postMessage({ type: 'inspect', kind: 'task', id: String(task.id) });
    box.addEventListener('click', open);
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') open();
    });
    return box;
  }

  function nodeColumn(node) {
    const column = el('section', `node ${safeClass(node.state)} ${safeClass(node.availability)}`);
    column.dataset.search = String(node.hostname).toLowerCase();
    const header = el('header');
    header.title = `${node.hostname}: ${node.state}, ${node.availability}, ${node.role}`;
    header.appendChild(el('div', 'hostname', node.hostname));
    const badges = el('div', 'meta');
    badges.appendChild(el('span', `badge ${safeClass(node.state)}`, node.state));
    badges.appendChild(el('span', `badge ${safeClass(node.availability)}`, node.availability));
    badges.appendChild(el('span', 'role', node.role));
    header.appendChild(badges);
    header.appendChild(
      el(
        'div',
        'resources',
        `CPU ${cpus(node.reservedCpus)}/${cpus(node.cpus)} \u00b7 ${gib(node.reservedMemoryBytes)}/${gib(node.memoryBytes)}`,
      ),
    );
    header.addEventListener('click', () =>
      vscode.postMessage({ type: 'inspect', kind: 'node', id: String(node.id) }),
    );
    column.appendChild(header);
    const tasks = el('div', 'tasks');
    for (const task of node.tasks) tasks.appendChild(taskBox(task, node.hostname));
    column.appendChild(tasks);
    return column;
  }

  function applyFilter() {
    const text = filterInput.value.trim().toLowerCase();
    let shown = 0;
    for (const column of map.querySelectorAll('.node')) {
      const nodeMatches =
        text === '' || (column instanceof HTMLElement && (column.dataset.search || '').includes(text));
      let visibleTasks = 0;
      for (const task of column.querySelectorAll('.task')) {
        const matches =
          nodeMatches || (task instanceof HTMLElement && (task.dataset.search || '').includes(text));
        task.classList.toggle('hidden', !matches);
        if (matches) visibleTasks++;
      }
      shown += visibleTasks;
      column.classList.toggle('hidden', !nodeMatches && visibleTasks === 0);
    }
    for (const task of unassigned.querySelectorAll('.task')) {
      const matches =
        text === '' || (task instanceof HTMLElement && (task.dataset.search || '').includes(text));
      task.classList.toggle('hidden', !matches);
    }
    if (last) {
      const total = last.data.nodes.reduce((sum, n) => sum + n.tasks.length, 0);
      summary.textContent = `${last.data.nodes.length} nodes \u00b7 ${text ? `${shown} of ${total}` : total} tasks \u00b7 ${last.data.services.length} services`;
    }
  }

  function render(message) {
    last = message;
    const data = message.data;
    status.textContent = message.status;
    status.classList.toggle('disconnected', !message.connected);
    map.classList.toggle('dense', Boolean(data.dense));
    map.replaceChildren();
    if (data.nodes.length === 0) {
      map.appendChild(
        el(
          'div',
          'empty',
          message.connected ? 'The cluster has no nodes.' : 'Not connected to the Shoal agent.',
        ),
      );
    }
    for (const node of data.nodes) map.appendChild(nodeColumn(node));
    unassigned.replaceChildren();
    if (data.unassigned.length > 0) {
      unassigned.appendChild(el('h2', '', `Not placed (${data.unassigned.length})`));
      const tasks = el('div', 'tasks');
      for (const task of data.unassigned) tasks.appendChild(taskBox(task, ''));
      unassigned.appendChild(tasks);
    }
    applyFilter();
  }

  filterInput.addEventListener('input', () => {
    vscode.setState({ filter: filterInput.value });
    applyFilter();
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'data' && message.data && Array.isArray(message.data.nodes))
      render(message);
  });

  vscode.postMessage({ type: 'ready' });
})();
