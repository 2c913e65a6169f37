console.log('innkeeper')
