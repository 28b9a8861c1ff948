module.exports = { something: 1 };
